import { z } from "zod";
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { ENDPOINT_DEFAULTS, ENDPOINT_LIMITS } from "./db/constants";

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""])
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z
  .object({
    LLMLB_HOST: z.string().min(1).default("0.0.0.0"),
    LLMLB_PORT: int(0, 65535).default(32768),
    LLMLB_DATA_DIR: z.string().min(1).default("./data"),
    LLMLB_DATABASE_URL: z
      .string()
      .regex(/^(file:|https?:\/\/|wss?:\/\/|libsql:\/\/)/, "must start with file:, http(s)://, ws(s):// or libsql://")
      .optional(),
    LLMLB_DATABASE_AUTH_TOKEN: z.string().optional(),
    LLMLB_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
    LLMLB_ADMIN_USERNAME: z.string().min(1).max(64).default("admin"),
    LLMLB_ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
    LLMLB_HEALTH_CHECK_INTERVAL: int(ENDPOINT_LIMITS.intervalMin, ENDPOINT_LIMITS.intervalMax).default(
      ENDPOINT_DEFAULTS.healthCheckIntervalSecs,
    ),
    LLMLB_HEALTH_CHECK_TIMEOUT_MS: int(100, 60_000).default(5000),
    LLMLB_MODEL_SYNC_INTERVAL: int(10, 86_400).default(900),
    LLMLB_MAX_RETRIES: int(0, 10).default(2),
    LLMLB_QUEUE_MAX: int(0, 100_000).default(100),
    LLMLB_QUEUE_TIMEOUT_SECS: int(1, 3600).default(60),
    LLMLB_REQUEST_HISTORY_RETENTION_DAYS: int(1, 3650).default(7),
    LLMLB_HEALTH_HISTORY_RETENTION_DAYS: int(1, 3650).default(30),
    LLMLB_DEBUG_KEYS: bool.default(false),
    LLMLB_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    LLMLB_LEASE_TTL_SECS: int(2, 600).default(10),
    LLMLB_SYNC_POLL_MS: int(100, 10_000).default(1000),
    LLMLB_SESSION_MAX_AGE_SECS: int(5, 30 * 86_400).default(86_400),
    LLMLB_PUBLIC_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    LLMLB_SCHEDULER: bool.default(true),
    /** one JSON line per /v1 request on stdout (request id, key, model, endpoint, status, outcome, times, tokens) */
    LLMLB_ACCESS_LOG: bool.default(false),
    LLMLB_BODY_TIMEOUT_SECS: int(1, 3600).default(60),
    /** a `stream: true` response silent this long gets a keep-alive (committing 200 first); 0 = off */
    LLMLB_SSE_KEEPALIVE_SECS: int(0, 3600).default(15),
    /** a /v1/chat/completions stream cut mid-way continues on another endpoint of the model; 0 = off */
    LLMLB_STREAM_RESUME: bool.default(true),
    LLMLB_CONTROL_MAX_PER_CLIENT: int(1, 100_000).default(16),
    LLMLB_OIDC_ISSUER: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
    LLMLB_OIDC_CLIENT_ID: z.string().min(1).optional(),
    LLMLB_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    LLMLB_OIDC_NAME: z.string().min(1).max(60).default("OpenID Connect"),
    LLMLB_OIDC_ADMIN_GROUPS: z
      .string()
      .transform((v) =>
        v
          .split(",")
          .map((g) => g.trim())
          .filter(Boolean),
      )
      .default([]),
    LLMLB_OIDC_GROUPS_CLAIM: z.string().min(1).default("groups"),
    LLMLB_LOCAL_LOGIN: bool.default(true),
    /** engine telemetry poll interval per endpoint (at most every 2 s); 0 turns telemetry off */
    LLMLB_TELEMETRY_INTERVAL_MS: int(0, 600_000)
      .refine((v) => v === 0 || v >= 2000, "must be 0 (off) or at least 2000")
      .default(2000),
    /**
     * engine requests per second telemetry may send, all endpoints together: a larger fleet is read less often
     * (the interval stretches; staleness follows); 0 = no budget. 250: the /v1 thread's lag p99 with 1,000
     * endpoints read stays within 1 ms of telemetry off on 2 cores (docs/benchmarks.md, fleet-scale)
     */
    LLMLB_TELEMETRY_MAX_READS_PER_SEC: int(0, 100_000).default(250),
    /**
     * the control thread's nice value (0–19) on top of the process's: its background work (telemetry, health
     * checks, dashboard, writes) yields the CPU to the /v1 thread on a busy machine; 0 = the same priority
     */
    LLMLB_CONTROL_THREAD_NICE: int(0, 19).default(10),
    /** benchmarks and tests only: the endpoint choice to compare against (the routing-quality benchmark) */
    LLMLB_ROUTING_POLICY: z.enum(["fleet", "least-inflight", "round-robin"]).default("fleet"),
  })
  .superRefine((v, ctx) => {
    // half an OpenID Connect configuration is a mistake, not a choice
    const oidc = ["LLMLB_OIDC_ISSUER", "LLMLB_OIDC_CLIENT_ID", "LLMLB_OIDC_CLIENT_SECRET"] as const;
    const given = oidc.filter((k) => v[k] !== undefined);
    if (given.length > 0 && given.length < oidc.length) {
      for (const k of oidc.filter((k) => v[k] === undefined))
        ctx.addIssue({ code: "custom", path: [k], message: `needed with ${given.join(", ")}` });
    }
    if (!v.LLMLB_LOCAL_LOGIN && given.length < oidc.length) {
      ctx.addIssue({
        code: "custom",
        path: ["LLMLB_LOCAL_LOGIN"],
        message: "0 needs LLMLB_OIDC_ISSUER, _CLIENT_ID and _CLIENT_SECRET (nobody could sign in)",
      });
    }
  });

type Raw = z.infer<typeof schema>;
export type Env = Omit<Raw, "LLMLB_DATABASE_URL" | "LLMLB_SECRET"> & {
  LLMLB_DATABASE_URL: string;
  LLMLB_SECRET: string;
  NODE_ENV: string;
};

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError naming each bad variable. Pure apart from reading `source`. */
export function parseEnv(source: Record<string, string | undefined>): Raw {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([k, v]) => k.startsWith("LLMLB_") && v !== undefined && v !== ""),
  );
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    // a secret's value is never echoed, not even a wrong one (it may be a real password with a typo)
    const shown = (k: string) =>
      /SECRET|PASSWORD|TOKEN/.test(k) ? `${String(cleaned[k] ?? "").length} characters` : JSON.stringify(cleaned[k]);
    const lines = result.error.issues.map(
      (i) => `  ${i.path.join(".")}: ${i.message} (got ${shown(String(i.path[0]))})`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

function loadSecret(dataDir: string): string {
  const file = path.join(dataDir, "secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    const secret = crypto.randomBytes(32).toString("base64url");
    try {
      fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
      return secret;
    } catch {
      return fs.readFileSync(file, "utf8").trim(); // another process won the race
    }
  }
}

let parsed: Env | null = null;

/**
 * The validated configuration, computed once per bundle (server.ts's and Next's each parse the same environment
 * and read the same secret file: the values agree).
 */
export function env(): Env {
  if (parsed) return parsed;
  const raw = parseEnv(process.env);
  const dataDir = path.resolve(raw.LLMLB_DATA_DIR);
  const databaseUrl = raw.LLMLB_DATABASE_URL ?? `file:${path.join(dataDir, "llmlb.db")}`;
  if (databaseUrl.startsWith("file:")) fs.mkdirSync(path.dirname(databaseUrl.slice(5)), { recursive: true });
  parsed = {
    ...raw,
    LLMLB_DATA_DIR: dataDir,
    LLMLB_DATABASE_URL: databaseUrl,
    LLMLB_SECRET: raw.LLMLB_SECRET ?? loadSecret(dataDir),
    NODE_ENV: process.env.NODE_ENV ?? "development",
  };
  return parsed;
}

/** next-auth reads its secret and origin policy from process.env: set them once from the validated config. */
export function exportAuthEnv(e: Env): void {
  process.env.NEXTAUTH_SECRET = e.LLMLB_SECRET;
  process.env.AUTH_TRUST_HOST = "1"; // origin from the Host header: the server is reached as localhost, 127.0.0.1 or a LAN name
}
