import "server-only";
import { and, asc, desc, eq, gt, or, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import type { Db } from "../db/client";
import { endpointModels, endpointModelStats, endpoints, healthChecks, type EndpointRow } from "../db/schema";
import { notFound } from "../errors";
import { serializeEndpoint, serializeModel, type EndpointAggregates } from "./serialize";
import type { listEndpointsQuery } from "./schema";
import { endpointIdSchema } from "./schema";
import { env } from "../env";
import { runtime } from "../runtime";
import { loadedModels, serializeTelemetry } from "../fleet/view";

/** This instance's latest engine reading of the endpoint (lib/fleet/poller.ts). */
const reading = (id: string) => runtime().fleet.get(id);
/** the telemetry interval staleness counts in: the poller's (stretched by its read budget), else the configured one */
const telemetryInterval = () => runtime().fleetIntervalMs ?? env().LLMLB_TELEMETRY_INTERVAL_MS;

export async function getEndpointRow(db: Db, id: string): Promise<EndpointRow> {
  if (!endpointIdSchema.safeParse(id).success) throw notFound("endpoint");
  const [row] = await db.select().from(endpoints).where(eq(endpoints.id, id));
  if (!row) throw notFound("endpoint");
  return row;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** model_count and aggregate_tps (total completion tokens ÷ total generation seconds) per endpoint. */
async function aggregates(db: Db, id?: string): Promise<Map<string, EndpointAggregates>> {
  const [counts, stats] = await Promise.all([
    db
      .select({ endpointId: endpointModels.endpointId, n: sql<number>`count(*)` })
      .from(endpointModels)
      .where(id ? eq(endpointModels.endpointId, id) : undefined)
      .groupBy(endpointModels.endpointId),
    db
      .select({
        endpointId: endpointModelStats.endpointId,
        tokens: sql<number>`sum(${endpointModelStats.outputTokens})`,
        ms: sql<number>`sum(${endpointModelStats.generationMs})`,
      })
      .from(endpointModelStats)
      .where(and(gt(endpointModelStats.successes, 0), id ? eq(endpointModelStats.endpointId, id) : undefined))
      .groupBy(endpointModelStats.endpointId),
  ]);
  const out = new Map<string, EndpointAggregates>();
  const get = (eid: string) => out.get(eid) ?? out.set(eid, { modelCount: 0, aggregateTps: null }).get(eid)!;
  for (const c of counts) get(c.endpointId).modelCount = Number(c.n);
  for (const s of stats)
    if (Number(s.ms) > 0) get(s.endpointId).aggregateTps = round2(Number(s.tokens) / (Number(s.ms) / 1000));
  return out;
}

const EMPTY: EndpointAggregates = { modelCount: 0, aggregateTps: null };

export async function listEndpoints({ db, query }: { db: Db; query: z.infer<typeof listEndpointsQuery> }) {
  const conds: SQL[] = [];
  if (query.type) conds.push(eq(endpoints.endpointType, query.type));
  if (query.status) conds.push(eq(endpoints.status, query.status));
  if (query.q) {
    const pattern = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conds.push(
      or(
        sql`lower(${endpoints.name}) like ${pattern} escape '\\'`,
        sql`lower(${endpoints.baseUrl}) like ${pattern} escape '\\'`,
      )!,
    );
  }
  const [rows, agg] = await Promise.all([
    db
      .select()
      .from(endpoints)
      .where(and(...conds))
      .orderBy(asc(endpoints.registeredAt)),
    aggregates(db),
  ]);
  const now = Date.now();
  const interval = telemetryInterval();
  return {
    endpoints: rows.map((r) =>
      serializeEndpoint(r, agg.get(r.id) ?? EMPTY, loadedModels(reading(r.id), now, interval)),
    ),
    total: rows.length,
  };
}

export async function serializeEndpointById(db: Db, row: EndpointRow) {
  return serializeEndpoint(row, (await aggregates(db, row.id)).get(row.id) ?? EMPTY);
}

export async function listEndpointModels(db: Db, id: string) {
  const [models, stats] = await Promise.all([
    db.select().from(endpointModels).where(eq(endpointModels.endpointId, id)).orderBy(asc(endpointModels.modelId)),
    db.select().from(endpointModelStats).where(eq(endpointModelStats.endpointId, id)),
  ]);
  const tps = new Map(stats.map((s) => [s.modelId, s.tpsEma === null ? null : round2(s.tpsEma)]));
  return models.map((m) => serializeModel(m, tps.get(m.modelId) ?? null));
}

export async function getEndpointDetail({ db, id }: { db: Db; id: string }) {
  const row = await getEndpointRow(db, id);
  const [dto, models, checks] = await Promise.all([
    serializeEndpointById(db, row),
    listEndpointModels(db, id),
    db
      .select()
      .from(healthChecks)
      .where(eq(healthChecks.endpointId, id))
      .orderBy(desc(healthChecks.checkedAt))
      .limit(20),
  ]);
  return {
    ...dto,
    models,
    telemetry: serializeTelemetry(reading(id), Date.now(), telemetryInterval()),
    recent_health_checks: checks.map((c) => ({
      checked_at: new Date(c.checkedAt).toISOString(),
      ok: c.ok,
      latency_ms: c.latencyMs,
      error: c.error,
      status_before: c.statusBefore,
      status_after: c.statusAfter,
    })),
  };
}
