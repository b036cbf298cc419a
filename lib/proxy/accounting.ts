import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { endpointModelDaily, endpointModelStats } from "../db/schema";
import { slot } from "../runtime";
import { log } from "../observability/logger";
import { modelKey } from "./model-name";
import { nextTpsEma } from "./usage";
import { PairMap } from "../pair-map";

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
  /** per pair: the counters since the last flush (null when none), and the TPS EMA */
  private pairs = new PairMap<{ pending: Delta | null; ema: number | null }>();
  private dirty: Delta[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: () => Promise<Db>) {}

  private pair(endpointId: string, model: string) {
    let p = this.pairs.get(endpointId, model);
    if (!p) this.pairs.set(endpointId, model, (p = { pending: null, ema: null }));
    return p;
  }

  /** Seeds the EMA from the database view so a restart continues where it left off. */
  seed(endpointId: string, model: string, tps: number) {
    const p = this.pair(endpointId, modelKey(model));
    p.ema ??= tps;
  }

  /** Records one finished request; returns the new TPS EMA for the pair (or the old one). */
  record(e: { endpointId: string; model: string; ok: boolean; completionTokens: number; generationMs: number }): number | null {
    const modelId = modelKey(e.model);
    const p = this.pair(e.endpointId, modelId);
    let d = p.pending;
    if (!d) {
      d = p.pending = { endpointId: e.endpointId, modelId, requests: 0, successes: 0, failures: 0, outputTokens: 0, generationMs: 0, tpsEma: null };
      this.dirty.push(d);
    }
    d.requests++;
    if (e.ok) {
      d.successes++;
      d.outputTokens += e.completionTokens;
      d.generationMs += e.generationMs;
      const ema = nextTpsEma(p.ema, e.completionTokens, e.generationMs / 1000);
      if (ema !== null) p.ema = ema;
    } else d.failures++;
    d.tpsEma = p.ema;
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
    return p.ema;
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.dirty.length) return;
    const deltas = this.dirty;
    this.dirty = [];
    for (const d of deltas) this.pairs.get(d.endpointId, d.modelId)!.pending = null;
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
