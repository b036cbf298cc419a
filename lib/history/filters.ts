import "server-only";
import { and, eq, gte, lte, sql, type SQL } from "drizzle-orm";
import { requestLog } from "../db/schema";
import type { StatusClass } from "./constants";

export interface RequestFilter {
  model?: string;
  endpointId?: string;
  apiKeyId?: string;
  status?: StatusClass;
  from?: number;
  to?: number;
}

/** The WHERE clause shared by the list, its count and its chart. */
export function whereRequests(f: RequestFilter): SQL | undefined {
  const conds: SQL[] = [];
  if (f.model) conds.push(eq(requestLog.model, f.model));
  if (f.endpointId) conds.push(eq(requestLog.endpointId, f.endpointId));
  if (f.apiKeyId) conds.push(eq(requestLog.apiKeyId, f.apiKeyId));
  if (f.status) {
    const lo = Number(f.status[0]) * 100;
    conds.push(sql`${requestLog.status} >= ${lo} and ${requestLog.status} < ${lo + 100}`);
  }
  if (f.from !== undefined) conds.push(gte(requestLog.ts, f.from));
  if (f.to !== undefined) conds.push(lte(requestLog.ts, f.to));
  return conds.length ? and(...conds) : undefined;
}

/** Per-bucket counts and token sums for charts. */
export const bucketColumns = (bucketMs: number) => {
  // inlined as an integer literal: a bound JS number arrives as REAL and would make the division fractional
  const size = sql.raw(String(Math.trunc(bucketMs)));
  return {
    bucket: sql<number>`(${requestLog.ts} / ${size}) * ${size}`.mapWith(Number),
    requests: sql<number>`count(*)`.mapWith(Number),
    errors: sql<number>`coalesce(sum(case when ${requestLog.status} >= 400 then 1 else 0 end), 0)`.mapWith(Number),
    promptTokens: sql<number>`coalesce(sum(${requestLog.promptTokens}), 0)`.mapWith(Number),
    completionTokens: sql<number>`coalesce(sum(${requestLog.completionTokens}), 0)`.mapWith(Number),
  };
};
