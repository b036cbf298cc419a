// The control thread's telemetry loop: each online endpoint of an engine type that reports anything is
// read at most once per interval (2 s), at most 16 at once, each read bounded by its timeout; a read still running
// when its next turn comes is not started twice. Results go to the /v1 thread in one message per batch.
//
// Several instances: each instance polls for itself (its /v1 thread needs fresh figures, and a reading relayed
// through the database would be a write every 2 s per endpoint and at least one poll interval older). Cost per
// endpoint: one small GET (two or three for vLLM and llama.cpp) per instance per 2 s; no database writes.
import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { endpointModels, endpoints } from "../db/schema";
import { endpointApiKey } from "../endpoints/secrets";
import { log } from "../observability/logger";
import { READS_TELEMETRY, readTelemetry, type TelemetryTarget } from "./read";
import type { EngineTelemetry } from "./telemetry";

export const MAX_CONCURRENT_READS = 16;

/** What the /v1 thread receives: readings by endpoint id, and the ids no longer polled (deleted, offline). */
export interface TelemetryBatch {
  readings: Array<[id: string, t: EngineTelemetry]>;
  dropped: string[];
}

export interface PollerDeps {
  db: Db;
  intervalMs: number;
  timeoutMs: number;
  publish: (batch: TelemetryBatch) => void;
  /** the latest readings, also read by the endpoint detail */
  latest: Map<string, EngineTelemetry>;
  now?: () => number;
  read?: typeof readTelemetry;
}

export class TelemetryPoller {
  private targets: TelemetryTarget[] = [];
  private busy = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private pending: TelemetryBatch = { readings: [], dropped: [] };
  private flushing = false;
  private readonly now: () => number;
  private readonly read: typeof readTelemetry;

  constructor(private readonly deps: PollerDeps) {
    this.now = deps.now ?? Date.now;
    this.read = deps.read ?? readTelemetry;
  }

  async start(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => this.tick(), this.deps.intervalMs);
    this.timer.unref();
    this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The endpoints to read: online ones of a type with telemetry, with their models. */
  async reload(): Promise<void> {
    const rows = await this.deps.db.select().from(endpoints).where(eq(endpoints.status, "online"));
    const wanted = rows.filter((r) => READS_TELEMETRY.has(r.endpointType));
    const models = wanted.some((r) => r.endpointType === "llamacpp")
      ? await this.deps.db
          .select({ endpointId: endpointModels.endpointId, modelId: endpointModels.modelId })
          .from(endpointModels)
      : [];
    const byEndpoint = new Map<string, string[]>();
    for (const m of models)
      (byEndpoint.get(m.endpointId) ?? byEndpoint.set(m.endpointId, []).get(m.endpointId)!).push(m.modelId);
    this.targets = wanted.map((r) => ({
      id: r.id,
      type: r.endpointType,
      baseUrl: r.baseUrl,
      apiKey: endpointApiKey(r),
      models: byEndpoint.get(r.id) ?? [],
    }));
    const kept = new Set(this.targets.map((t) => t.id));
    for (const id of this.deps.latest.keys()) {
      if (kept.has(id)) continue;
      this.deps.latest.delete(id);
      this.pending.dropped.push(id);
    }
    this.flush();
  }

  /** One round: every target not still being read, at most MAX_CONCURRENT_READS at once. */
  tick(): void {
    const queue = this.targets.filter((t) => !this.busy.has(t.id));
    for (const t of queue) this.busy.add(t.id);
    const worker = async () => {
      for (let t = queue.shift(); t; t = queue.shift()) {
        const reading = await this.read(t, this.deps.timeoutMs, this.now).catch(() => null);
        this.busy.delete(t.id);
        if (!reading) continue;
        this.deps.latest.set(t.id, reading);
        this.pending.readings.push([t.id, reading]);
        this.flush();
      }
    };
    for (let i = 0; i < Math.min(MAX_CONCURRENT_READS, queue.length); i++)
      void worker().catch((err) => log.warn("telemetry read failed", { error: String(err) }));
  }

  /** Readings that arrive together leave in one message (at most one per 50 ms). */
  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    setTimeout(() => {
      this.flushing = false;
      const batch = this.pending;
      if (!batch.readings.length && !batch.dropped.length) return;
      this.pending = { readings: [], dropped: [] };
      this.deps.publish(batch);
    }, 50).unref();
  }
}
