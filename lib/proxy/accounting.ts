import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { endpointModelDaily, endpointModelStats } from "../db/schema";
import { slot } from "../runtime";
import { log } from "../observability/logger";
import { modelKey } from "./model-name";
import { nextTpsEma } from "./usage";

interface Delta {
  endpointId: string;
  modelId: string;
  requests: number;
  successes: number;
  failures: number;
  outputTokens: number;
  generationMs: number;
  tpsEma: number | null;
}

const FLUSH_MS = 1000;

type CounterTable = typeof endpointModelStats | typeof endpointModelDaily;

/** `column = column + delta` for each counter: the same in the running totals and the daily roll-up. */
const increments = (t: CounterTable, d: Delta) => ({
  requests: sql`${t.requests} + ${d.requests}`,
  successes: sql`${t.successes} + ${d.successes}`,
  failures: sql`${t.failures} + ${d.failures}`,
  outputTokens: sql`${t.outputTokens} + ${d.outputTokens}`,
  generationMs: sql`${t.generationMs} + ${d.generationMs}`,
});

/**
 * Per (endpoint, model) counters and the TPS EMA. Updated in memory per request; written to
 * endpoint_model_stats (and the daily roll-up) once a second, so they survive restarts.
 */
export class Accountant {
  private pending = new Map<string, Delta>();
  private ema = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: () => Promise<Db>) {}

  /** Seeds the EMA from the database view so a restart continues where it left off. */
  seed(key: string, tps: number) {
    if (!this.ema.has(key)) this.ema.set(key, tps);
  }

  /** Records one finished request; returns the new TPS EMA for the pair (or the old one). */
  record(e: { endpointId: string; model: string; ok: boolean; completionTokens: number; generationMs: number }): number | null {
    const key = `${e.endpointId}\u0000${modelKey(e.model)}`;
    const d =
      this.pending.get(key) ??
      this.pending.set(key, { endpointId: e.endpointId, modelId: modelKey(e.model), requests: 0, successes: 0, failures: 0, outputTokens: 0, generationMs: 0, tpsEma: null }).get(key)!;
    d.requests++;
    if (e.ok) {
      d.successes++;
      d.outputTokens += e.completionTokens;
      d.generationMs += e.generationMs;
      const ema = nextTpsEma(this.ema.get(key) ?? null, e.completionTokens, e.generationMs / 1000);
      if (ema !== null) this.ema.set(key, ema);
    } else d.failures++;
    d.tpsEma = this.ema.get(key) ?? null;
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
    return d.tpsEma;
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.pending.size) return;
    const deltas = [...this.pending.values()];
    this.pending.clear();
    const now = Date.now();
    const day = new Date(now).toISOString().slice(0, 10);
    try {
      const db = await this.db();
      const queries = deltas.flatMap((d) => {
        const counters = { requests: d.requests, successes: d.successes, failures: d.failures, outputTokens: d.outputTokens, generationMs: d.generationMs };
        return [
          db
            .insert(endpointModelStats)
            .values({ endpointId: d.endpointId, modelId: d.modelId, ...counters, tpsEma: d.tpsEma, updatedAt: now })
            .onConflictDoUpdate({ target: [endpointModelStats.endpointId, endpointModelStats.modelId], set: { ...increments(endpointModelStats, d), tpsEma: d.tpsEma, updatedAt: now } }),
          db
            .insert(endpointModelDaily)
            .values({ day, endpointId: d.endpointId, modelId: d.modelId, ...counters })
            .onConflictDoUpdate({ target: [endpointModelDaily.day, endpointModelDaily.endpointId, endpointModelDaily.modelId], set: increments(endpointModelDaily, d) }),
        ];
      });
      await db.batch(queries as [(typeof queries)[number], ...(typeof queries)[number][]]);
    } catch (err) {
      // the endpoint may have been deleted meanwhile: its counters go with it
      log.warn("stats flush failed", { error: String(err) });
    }
  }
}

export const accountant = (db: () => Promise<Db>) => slot("accountant", () => new Accountant(db));
