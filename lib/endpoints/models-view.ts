import "server-only";
import { and, asc, eq, gte, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { endpointModels, endpointModelStats, endpoints, requestLog } from "../db/schema";

const DAY = 86_400_000;
const round1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);

/**
 * The models view: every model with the endpoints serving it (status, TPS, context length) and its traffic over
 * the last 24 h. Models sorted by name; an endpoint's row links to it.
 */
export async function listModelsView({ db, now = Date.now() }: { db: Db; now?: number }) {
  const [served, traffic] = await Promise.all([
    db
      .select({
        modelId: endpointModels.modelId,
        endpointId: endpoints.id,
        endpointName: endpoints.name,
        status: endpoints.status,
        contextLength: endpointModels.contextLength,
        capabilities: endpointModels.capabilities,
        tps: endpointModelStats.tpsEma,
      })
      .from(endpointModels)
      .innerJoin(endpoints, eq(endpoints.id, endpointModels.endpointId))
      .leftJoin(
        endpointModelStats,
        and(
          eq(endpointModelStats.endpointId, endpointModels.endpointId),
          eq(endpointModelStats.modelId, endpointModels.modelId),
        ),
      )
      .orderBy(asc(endpointModels.modelId), asc(endpoints.name)),
    db
      .select({
        model: requestLog.model,
        requests: sql<number>`count(*)`.mapWith(Number),
        errors: sql<number>`coalesce(sum(case when ${requestLog.status} >= 500 then 1 else 0 end), 0)`.mapWith(Number),
      })
      .from(requestLog)
      .where(and(gte(requestLog.ts, now - DAY), isNotNull(requestLog.model)))
      .groupBy(requestLog.model),
  ]);
  const byModel = new Map(traffic.map((t) => [t.model!, t]));
  const models = new Map<
    string,
    {
      model_id: string;
      capabilities: string[];
      requests_24h: number;
      errors_24h: number;
      online: number;
      endpoints: Array<{
        id: string;
        name: string;
        status: (typeof served)[number]["status"];
        tps: number | null;
        context_length: number | null;
      }>;
    }
  >();
  for (const r of served) {
    let m = models.get(r.modelId);
    if (!m) {
      const t = byModel.get(r.modelId);
      m = {
        model_id: r.modelId,
        capabilities: r.capabilities,
        requests_24h: t?.requests ?? 0,
        errors_24h: t?.errors ?? 0,
        online: 0,
        endpoints: [],
      };
      models.set(r.modelId, m);
    }
    if (r.status === "online") m.online++;
    m.endpoints.push({
      id: r.endpointId,
      name: r.endpointName,
      status: r.status,
      tps: round1(r.tps),
      context_length: r.contextLength,
    });
  }
  return [...models.values()];
}
export type ModelView = Awaited<ReturnType<typeof listModelsView>>[number];
