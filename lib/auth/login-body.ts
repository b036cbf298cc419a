/**
 * The body of a credentials sign-in, read as next-auth reads it (next-auth/next `getBody`: JSON when the content
 * type mentions it, else form-encoded, else nothing). Pure, so that the login limiter and its tests see exactly
 * the fields next-auth hands to `authorize()`.
 */

/** Fields that decide a sign-in; given twice they are ambiguous (next-auth keeps the last), so they are refused. */
const SINGLE_FIELDS = ["csrfToken", "username", "password"] as const;

export type LoginBody = { ok: true; fields: Record<string, unknown> } | { ok: false; repeated: string };

/** The keys of a JSON text's top-level object, duplicates included (JSON.parse keeps only the last). */
export function topLevelJsonKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      let end = i + 1;
      while (end < json.length && json[end] !== '"') end += json[end] === "\\" ? 2 : 1;
      if (depth === 1 && /^\s*:/.test(json.slice(end + 1, end + 64)))
        keys.push(JSON.parse(json.slice(i, end + 1)) as string);
      i = end;
    } else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
  }
  return keys;
}

function firstRepeated(keys: Iterable<string>): string | null {
  const seen = new Set<string>();
  for (const key of keys) {
    if (!(SINGLE_FIELDS as readonly string[]).includes(key)) continue;
    if (seen.has(key)) return key;
    seen.add(key);
  }
  return null;
}

export function parseLoginBody(contentType: string | null, text: string): LoginBody {
  const type = contentType ?? "";
  let keys: Iterable<string> = [];
  let fields: Record<string, unknown> = {};
  if (type.includes("application/json")) {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        fields = value as Record<string, unknown>;
        keys = topLevelJsonKeys(text);
      }
    } catch {
      /* unparseable: next-auth sees no credentials either */
    }
  } else if (type.includes("application/x-www-form-urlencoded")) {
    const params = new URLSearchParams(text);
    fields = Object.fromEntries(params);
    keys = params.keys();
  }
  const repeated = firstRepeated(keys);
  return repeated ? { ok: false, repeated } : { ok: true, fields };
}

/** username and password as authorize() checks them, cut where it cuts them (64 and 200 characters). */
export function loginCredentials(fields: Record<string, unknown> | undefined): { username: string; password: string } {
  return {
    username: String(fields?.username ?? "").slice(0, 64),
    password: String(fields?.password ?? "").slice(0, 200),
  };
}
