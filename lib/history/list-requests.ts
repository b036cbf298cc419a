import "server-only";
import { asc, desc, eq, isNotNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { apiKeys, endpoints, requestLog, users, type RequestLogRow } from "../db/schema";
import { bucketColumns, whereRequests, type RequestFilter } from "./filters";
import type { ListRequestsQuery } from "./schema";
import { fillSeries, pickBucketMs } from "./series";

const WEEK = 7 * 86_400_000;

interface Names {
  endpointName: string | null;
  apiKeyName: string | null;
  userName: string | null;
}

export function serializeRequest(r: RequestLogRow, names: Names) {
  return {
    id: r.id,
    ts: new Date(r.ts).toISOString(),
    request_id: r.requestId,
    route: r.route,
    model: r.model,
    endpoint_id: r.endpointId,
    /** the endpoint that served, or (deleted) the name kept in the row */
    endpoint_name: names.endpointName ?? r.endpointName,
    /** the endpoint that resumed the stream after endpoint_id's broke, or null */
    resumed_endpoint_id: r.resumedEndpointId,
    status: r.status,
    duration_ms: r.durationMs,
    ttft_ms: r.ttftMs,
    prompt_tokens: r.promptTokens,
    completion_tokens: r.completionTokens,
    tokens_estimated: r.tokensEstimated,
    stream: r.stream,
    retries: r.retries,
    endpoints_tried: r.endpointsTried,
    error_code: r.errorCode,
    /** success | incomplete | cancelled | error; null on rows logged before outcomes were recorded */
    outcome: r.outcome,
    api_key_id: r.apiKeyId,
    api_key_name: names.apiKeyName,
    user_id: r.userId,
    user_name: names.userName,
    client_ip: r.clientIp,
  };
}
export type RequestDto = ReturnType<typeof serializeRequest>;

/**
 * `GET /api/requests`: newest first, one page, the total, and a chart of the same filter
 * (from `from`, or the first matching request within the last week, to `to` or now).
 */
export const filterOf = (query: Omit<ListRequestsQuery, "page" | "page_size">): RequestFilter => ({
  model: query.model,
  endpointId: query.endpoint_id,
  apiKeyId: query.api_key_id,
  status: query.status,
  from: query.from ? Date.parse(query.from) : undefined,
  to: query.to ? Date.parse(query.to) : undefined,
});

/** Rows of the log with the names of their endpoint, API key and user, newest first. */
export async function selectRequests(db: Db, where: SQL | undefined, limit: number, offset = 0) {
  const rows = await db
    .select({ row: requestLog, endpointName: endpoints.name, apiKeyName: apiKeys.name, userName: users.username })
    .from(requestLog)
    .leftJoin(endpoints, eq(endpoints.id, requestLog.endpointId))
    .leftJoin(apiKeys, eq(apiKeys.id, requestLog.apiKeyId))
    .leftJoin(users, eq(users.id, requestLog.userId))
    .where(where)
    .orderBy(desc(requestLog.ts), desc(requestLog.id))
    .limit(limit)
    .offset(offset);
  return rows.map((r) => serializeRequest(r.row, r));
}

export async function listRequests({
  db,
  query,
  now = Date.now(),
}: {
  db: Db;
  query: ListRequestsQuery;
  now?: number;
}) {
  const filter = filterOf(query);
  const where = whereRequests(filter);
  const [rows, [summary]] = await Promise.all([
    selectRequests(db, where, query.page_size, (query.page - 1) * query.page_size),
    db
      .select({ total: sql<number>`count(*)`.mapWith(Number), first: sql<number | null>`min(${requestLog.ts})` })
      .from(requestLog)
      .where(where),
  ]);
  const to = filter.to ?? now;
  const from = filter.from ?? Math.max(to - WEEK, Math.min(Number(summary.first ?? to), to - 3_600_000));
  const bucketMs = pickBucketMs(to - from);
  const buckets = await db
    .select(bucketColumns(bucketMs))
    .from(requestLog)
    .where(whereRequests({ ...filter, from, to }))
    .groupBy(sql`1`);
  return {
    requests: rows,
    total: summary.total,
    page: query.page,
    page_size: query.page_size,
    series: { bucket_ms: bucketMs, points: fillSeries(buckets, from, to, bucketMs) },
  };
}
export type RequestPage = Awaited<ReturnType<typeof listRequests>>;

/** What the history filters can offer: models seen in the log, every registered endpoint, every API key. */
export async function requestFacets({ db }: { db: Db }) {
  const [models, eps, keys] = await Promise.all([
    db
      .selectDistinct({ model: requestLog.model })
      .from(requestLog)
      .where(isNotNull(requestLog.model))
      .orderBy(asc(requestLog.model))
      .limit(500),
    db.select({ id: endpoints.id, name: endpoints.name }).from(endpoints).orderBy(asc(endpoints.name)),
    db.select({ id: apiKeys.id, name: apiKeys.name }).from(apiKeys).orderBy(asc(apiKeys.name)),
  ]);
  return { models: models.map((m) => m.model!).filter(Boolean), endpoints: eps, apiKeys: keys };
}
