import type { Client } from "@libsql/client";

const TABLES = [
  "users",
  "api_keys",
  "endpoints",
  "endpoint_models",
  "endpoint_model_stats",
  "download_tasks",
  "audit_log",
];

/**
 * Columns the health checker owns: it writes them on its own schedule (and at once after a status change made
 * elsewhere), independently of any request a test sends, so they are left out of the comparison.
 */
const HEALTH_OWNED = new Set([
  "status",
  "latency_ms",
  "last_seen_at",
  "last_checked_at",
  "last_error",
  "consecutive_failures",
]);

/**
 * Bookkeeping written off the request path, a few seconds after a key was used: a key that authenticated a
 * request that was then refused (a bad body, a missing id) was still used.
 */
const USAGE_OWNED: Record<string, Set<string>> = { api_keys: new Set(["last_used_at"]) };

/** A comparable digest of every registry table, to prove a rejected request changed nothing. */
export async function snapshot(db: Client): Promise<string> {
  const parts: string[] = [];
  for (const t of TABLES) {
    const rs = await db.execute(`SELECT * FROM ${t} ORDER BY 1`);
    const skip = t === "endpoints" ? HEALTH_OWNED : USAGE_OWNED[t];
    const rows = skip
      ? rs.rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !skip.has(k))))
      : rs.rows;
    parts.push(`${t}:${JSON.stringify(rows)}`);
  }
  return parts.join("\n");
}
