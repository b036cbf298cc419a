import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { endpointModelDaily, endpointModelStats } from "../db/schema";

/** One (endpoint, model) pair's counters since the last flush, and its TPS EMA then. */
export interface StatsDelta {
  endpointId: string;
  modelId: string;
  requests: number;
  successes: number;
  failures: number;
  outputTokens: number;
  generationMs: number;
  tpsEma: number | null;
}

type CounterTable = typeof endpointModelStats | typeof endpointModelDaily;

/** `column = column + delta` for each counter: the same in the running totals and the daily roll-up. */
const increments = (t: CounterTable, d: StatsDelta) => ({
  requests: sql`${t.requests} + ${d.requests}`,
  successes: sql`${t.successes} + ${d.successes}`,
  failures: sql`${t.failures} + ${d.failures}`,
  outputTokens: sql`${t.outputTokens} + ${d.outputTokens}`,
  generationMs: sql`${t.generationMs} + ${d.generationMs}`,
});

/** Adds the deltas to endpoint_model_stats and the day's roll-up, in one batch. */
export async function writeStats(db: Db, deltas: readonly StatsDelta[], now: number): Promise<void> {
  if (!deltas.length) return;
  const day = new Date(now).toISOString().slice(0, 10);
  const queries = deltas.flatMap((d) => {
    const counters = {
      requests: d.requests,
      successes: d.successes,
      failures: d.failures,
      outputTokens: d.outputTokens,
      generationMs: d.generationMs,
    };
    return [
      db
        .insert(endpointModelStats)
        .values({ endpointId: d.endpointId, modelId: d.modelId, ...counters, tpsEma: d.tpsEma, updatedAt: now })
        .onConflictDoUpdate({
          target: [endpointModelStats.endpointId, endpointModelStats.modelId],
          set: { ...increments(endpointModelStats, d), tpsEma: d.tpsEma, updatedAt: now },
        }),
      db
        .insert(endpointModelDaily)
        .values({ day, endpointId: d.endpointId, modelId: d.modelId, ...counters })
        .onConflictDoUpdate({
          target: [endpointModelDaily.day, endpointModelDaily.endpointId, endpointModelDaily.modelId],
          set: increments(endpointModelDaily, d),
        }),
    ];
  });
  await db.batch(queries as [(typeof queries)[number], ...(typeof queries)[number][]]);
}
