import { env } from "../env";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = Exclude<keyof typeof LEVELS, "silent">;

const SECRET_KEYS = /(authorization|api[_-]?key|password|secret|token|cookie)/i;

/** Credentials inside free text (an error message quoting a header, say): client keys and Bearer tokens. */
const SECRET_TEXT = /\b(sk_[0-9A-Za-z]{20,})|(\bBearer\s+)[^\s"',;]+/gi;

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === "string")
    return value.replace(SECRET_TEXT, (_m, key: string | undefined, bearer: string | undefined) =>
      key ? `${key.slice(0, 6)}…[redacted]` : `${bearer}[redacted]`,
    );
  if (depth >= 4 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  return redactAt(value as Record<string, unknown>, depth + 1);
}

function redactAt(fields: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET_KEYS.test(k) ? "[redacted]" : scrub(v, depth);
  return out;
}

/**
 * Drops values of secret-looking fields (at any depth) and masks client keys and Bearer tokens inside text, so
 * that no credential reaches a log line.
 */
export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  return redactAt(fields, 0);
}

function write(level: Level, msg: string, fields?: Record<string, unknown>) {
  let threshold: number = LEVELS.info;
  try {
    threshold = LEVELS[env().LLMLB_LOG_LEVEL];
  } catch {
    /* configuration not valid yet: log at info */
  }
  if (LEVELS[level] < threshold) return;
  const line = JSON.stringify({ ts: new Date().toISOString(), level, msg, ...(fields ? redact(fields) : {}) });
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(`${line}\n`);
}

export const log = {
  debug: (msg: string, f?: Record<string, unknown>) => write("debug", msg, f),
  info: (msg: string, f?: Record<string, unknown>) => write("info", msg, f),
  warn: (msg: string, f?: Record<string, unknown>) => write("warn", msg, f),
  error: (msg: string, f?: Record<string, unknown>) => write("error", msg, f),
};
