import "server-only";
import { sql } from "drizzle-orm";
import { database, runtime } from "../runtime";
import pkg from "../../package.json" with { type: "json" };

/** `GET /api/health`: liveness of the process and its database. */
export async function healthReport() {
  const rt = runtime();
  let db = "ok";
  try {
    const { db: d } = await database();
    await Promise.race([
      d.run(sql`SELECT 1`),
      new Promise((_, rej) => setTimeout(() => rej(new Error("timeout")), 2000)),
    ]);
  } catch {
    db = "unreachable";
  }
  return {
    status: db === "ok" ? "ok" : "degraded",
    db,
    version: pkg.version,
    uptime_s: Math.round((Date.now() - rt.startedAt) / 1000),
    instance_id: rt.instanceId,
    scheduler_leader: rt.leader,
  };
}
