import "server-only";
import { and, asc, gte, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { endpoints, requestLog } from "../db/schema";
import { ENDPOINT_STATUSES, type EndpointStatus } from "../db/constants";
import { bucketColumns } from "./filters";
import { fillSeries, rankIndex } from "./series";

const DAY = 86_400_000;
const HOUR = 3_600_000;

async function percentile(db: Db, since: number, n: number, p: number): Promise<number | null> {
  const i = rankIndex(n, p);
  if (i === null) return null;
  const [row] = await db
    .select({ ms: requestLog.durationMs })
    .from(requestLog)
    .where(and(gte(requestLog.ts, since), isNotNull(requestLog.endpointId)))
    .orderBy(asc(requestLog.durationMs))
    .limit(1)
    .offset(i);
  return row ? Math.round(row.ms * 10) / 10 : null;
}

/**
 * Client errors (a 4xx the client caused: bad key, unknown model, bad JSON; 429 is ours, not theirs) are split from
 * server errors (5xx, 429): the success rate is successes among requests that were not the client's own mistake,
 * so a client sending a wrong key does not make a healthy fleet look 55 % successful.
 */
export function splitErrors(t: { requests: number; successes: number; clientErrors: number }) {
  const judged = t.requests - t.clientErrors;
  return {
    client_errors: t.clientErrors,
    server_errors: judged - t.successes,
    success_rate: judged > 0 ? t.successes / judged : null,
  };
}

/**
 * `GET /api/stats/overview`: endpoints by status, and over the last 24 h: requests and tokens per hour, the
 * success rate (outcome `success`, the client's own errors aside: see splitErrors; a cut stream or a client that
 * left is no success) and p50/p95 latency of requests that reached an endpoint.
 */
export async function getOverview({ db, now = Date.now() }: { db: Db; now?: number }) {
  const since = now - DAY;
  const recent = gte(requestLog.ts, since);
  const [byStatus, [totals], buckets, [routed]] = await Promise.all([
    db
      .select({ status: endpoints.status, n: sql<number>`count(*)`.mapWith(Number) })
      .from(endpoints)
      .groupBy(endpoints.status),
    db
      .select({
        requests: sql<number>`count(*)`.mapWith(Number),
        // rows older than the outcome column: a status below 400 was a success
        successes:
          sql<number>`coalesce(sum(case when coalesce(${requestLog.outcome}, case when ${requestLog.status} < 400 then 'success' end) = 'success' then 1 else 0 end), 0)`.mapWith(
            Number,
          ),
        incomplete:
          sql<number>`coalesce(sum(case when ${requestLog.outcome} = 'incomplete' then 1 else 0 end), 0)`.mapWith(
            Number,
          ),
        cancelled:
          sql<number>`coalesce(sum(case when ${requestLog.outcome} = 'cancelled' then 1 else 0 end), 0)`.mapWith(
            Number,
          ),
        clientErrors:
          sql<number>`coalesce(sum(case when ${requestLog.status} >= 400 and ${requestLog.status} < 500 and ${requestLog.status} <> 429 then 1 else 0 end), 0)`.mapWith(
            Number,
          ),
        promptTokens: sql<number>`coalesce(sum(${requestLog.promptTokens}), 0)`.mapWith(Number),
        completionTokens: sql<number>`coalesce(sum(${requestLog.completionTokens}), 0)`.mapWith(Number),
      })
      .from(requestLog)
      .where(recent),
    db.select(bucketColumns(HOUR)).from(requestLog).where(recent).groupBy(sql`1`),
    db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(requestLog)
      .where(and(recent, isNotNull(requestLog.endpointId))),
  ]);
  const counts = Object.fromEntries(ENDPOINT_STATUSES.map((s) => [s, 0])) as Record<EndpointStatus, number>;
  for (const r of byStatus) counts[r.status] = r.n;
  const [p50, p95] = await Promise.all([percentile(db, since, routed.n, 0.5), percentile(db, since, routed.n, 0.95)]);
  return {
    endpoints: { ...counts, total: byStatus.reduce((s, r) => s + r.n, 0) },
    window: {
      from: new Date(since).toISOString(),
      to: new Date(now).toISOString(),
      requests: totals.requests,
      successes: totals.successes,
      errors: totals.requests - totals.successes,
      /** of the errors: streams cut mid-way, and clients that left */
      incomplete: totals.incomplete,
      cancelled: totals.cancelled,
      ...splitErrors(totals),
      p50_latency_ms: p50,
      p95_latency_ms: p95,
      prompt_tokens: totals.promptTokens,
      completion_tokens: totals.completionTokens,
    },
    series: fillSeries(buckets, since + HOUR, now, HOUR),
  };
}
export type Overview = Awaited<ReturnType<typeof getOverview>>;
