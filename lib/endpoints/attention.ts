import "server-only";
import { asc, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { endpoints, healthChecks } from "../db/schema";
import { byCodePoint } from "../order";

/**
 * The overview's "needs attention": endpoints in `error` or `offline`, with their last error and since when (the
 * check that moved them into that status; the last check when the history no longer holds it), longest first.
 */
export async function endpointsNeedingAttention({ db }: { db: Db }) {
  const since = sql<number | null>`(select max(${healthChecks.checkedAt}) from ${healthChecks}
    where ${healthChecks.endpointId} = ${endpoints.id} and ${healthChecks.statusAfter} = ${endpoints.status}
    and ${healthChecks.statusBefore} <> ${healthChecks.statusAfter})`.mapWith((v) => (v === null ? null : Number(v)));
  const rows = await db
    .select({
      id: endpoints.id,
      name: endpoints.name,
      status: endpoints.status,
      lastError: endpoints.lastError,
      lastChecked: endpoints.lastCheckedAt,
      since,
    })
    .from(endpoints)
    .where(inArray(endpoints.status, ["error", "offline"]))
    .orderBy(asc(endpoints.name));
  return rows
    .map((r) => {
      const at = r.since ?? r.lastChecked;
      return {
        id: r.id,
        name: r.name,
        status: r.status,
        last_error: r.lastError,
        since: at === null ? null : new Date(at).toISOString(),
      };
    })
    .sort((a, b) => byCodePoint(a.since ?? "", b.since ?? "")); // ISO times
}
export type AttentionRow = Awaited<ReturnType<typeof endpointsNeedingAttention>>[number];
