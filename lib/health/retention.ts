import "server-only";
import { lt } from "drizzle-orm";
import type { Db } from "../db/client";
import { healthChecks, requestLog } from "../db/schema";

const DAY_MS = 86_400_000;

/** Deletes health history and request history past their retention. A plain job: the scheduler calls it. */
export async function purgeHistory(db: Db, opts: { healthDays: number; requestDays: number; now?: number }) {
  const now = opts.now ?? Date.now();
  const health = await db.delete(healthChecks).where(lt(healthChecks.checkedAt, now - opts.healthDays * DAY_MS));
  const requests = await db.delete(requestLog).where(lt(requestLog.ts, now - opts.requestDays * DAY_MS));
  return { healthChecks: health.rowsAffected, requests: requests.rowsAffected };
}
