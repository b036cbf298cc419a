import type { Client } from "@libsql/client";

const TABLES = ["users", "api_keys", "endpoints", "endpoint_models", "endpoint_model_stats", "download_tasks", "audit_log"];

/** A comparable digest of every registry table, to prove a rejected request changed nothing. */
export async function snapshot(db: Client): Promise<string> {
  const parts: string[] = [];
  for (const t of TABLES) {
    const rs = await db.execute(`SELECT * FROM ${t} ORDER BY 1`);
    parts.push(`${t}:${JSON.stringify(rs.rows)}`);
  }
  return parts.join("\n");
}
