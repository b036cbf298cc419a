// The control thread's telemetry loop: each online endpoint of an engine type that reports anything is read once
// per interval (2 s; stretched when the fleet is large: ./pace.ts), the reads spread evenly over the interval (a
// 25 ms step starts the ones due), at most 16 at once, each bounded by its timeout; a read still running when its
// next turn comes is not started twice. What was read goes to the /v1 thread at most every 250 ms in one message:
// a reading that changed in full, an unchanged one by its id alone.
//
// Why spread and coalesced: reading 1,000 endpoints at the interval's start kept the control thread (and the
// engines) busy for ~200 ms of every 2 s and sent the /v1 thread five messages of ~200 readings in that burst;
// the /v1 thread's event-loop lag p99 — the worst 1 % of its time — fell right in it.
//
// Several instances: each instance polls for itself (its /v1 thread needs fresh figures, and a reading relayed
// through the database would be a write every 2 s per endpoint and at least one poll interval older). Cost per
// endpoint: one small GET (two or three for vLLM and llama.cpp) per instance per interval; no database writes.
import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { endpointModels, endpoints } from "../db/schema";
import { endpointApiKey } from "../endpoints/secrets";
import { log } from "../observability/logger";
import { dueCount, effectiveIntervalMs, requestsPerReading, sameReading } from "./pace";
import { READS_TELEMETRY, readTelemetry, type TelemetryTarget } from "./read";
import type { EngineTelemetry } from "./telemetry";

export const MAX_CONCURRENT_READS = 16;
/** how often the due reads are started */
export const STEP_MS = 25;
/** how often what was read goes to the /v1 thread (at most) */
export const PUBLISH_MS = 250;

/** What the /v1 thread receives. */
export interface TelemetryBatch {
  /** readings that differ from the endpoint's previous one, by endpoint id */
  readings: Array<[id: string, t: EngineTelemetry]>;
  /** endpoints read again with nothing changed; `unchangedAt` is when the earliest of those reads was taken */
  unchanged: string[];
  unchangedAt: number;
  /** endpoints no longer polled (deleted, offline) */
  dropped: string[];
  /** the interval readings are taken at (stretched by the read budget); older than 3 of them is stale */
  intervalMs: number;
}

export interface PollerDeps {
  db: Db;
  intervalMs: number;
  /** engine requests per second this instance may send for telemetry, all endpoints together (0: no budget) */
  readsPerSec: number;
  timeoutMs: number;
  publish: (batch: TelemetryBatch) => void;
  /** the latest readings, also read by the endpoint detail */
  latest: Map<string, EngineTelemetry>;
  now?: () => number;
  read?: typeof readTelemetry;
}

export class TelemetryPoller {
  private targets: TelemetryTarget[] = [];
  private ids = new Set<string>();
  intervalMs: number;
  private roundStart = 0;
  private cursor = 0;
  private queue: TelemetryTarget[] = [];
  private reading = 0;
  private busy = new Set<string>();
  private startedAt = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private pending: TelemetryBatch;
  private intervalChanged = false;
  private flushing = false;
  private readonly now: () => number;
  private readonly read: typeof readTelemetry;

  constructor(private readonly deps: PollerDeps) {
    this.now = deps.now ?? Date.now;
    this.read = deps.read ?? readTelemetry;
    this.intervalMs = deps.intervalMs;
    this.pending = this.empty();
  }

  private empty(): TelemetryBatch {
    return { readings: [], unchanged: [], unchangedAt: Infinity, dropped: [], intervalMs: this.intervalMs };
  }

  async start(): Promise<void> {
    await this.reload();
    this.roundStart = this.now();
    this.timer = setInterval(() => this.step(), STEP_MS);
    this.timer.unref();
    this.step();
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
    this.ids = new Set(this.targets.map((t) => t.id));
    const requests = this.targets.reduce((n, t) => n + requestsPerReading(t.type), 0);
    const interval = effectiveIntervalMs(this.deps.intervalMs, requests, this.deps.readsPerSec);
    if (interval !== this.intervalMs) {
      this.intervalMs = interval;
      this.intervalChanged = true;
      log.info("telemetry interval", {
        endpoints: this.targets.length,
        requestsPerRound: requests,
        intervalMs: interval,
      });
    }
    for (const id of this.startedAt.keys()) if (!this.ids.has(id)) this.startedAt.delete(id);
    const dropped = [...this.deps.latest.keys()].filter((id) => !this.ids.has(id));
    if (dropped.length) {
      for (const id of dropped) this.deps.latest.delete(id);
      const p = this.pending;
      p.dropped.push(...dropped);
      p.readings = p.readings.filter(([id]) => this.ids.has(id));
      p.unchanged = p.unchanged.filter((id) => this.ids.has(id));
    }
    this.flush();
  }

  /** Starts the reads due by now: target i of a round at i × interval / count. */
  step(): void {
    const now = this.now();
    const n = this.targets.length;
    if (now - this.roundStart >= this.intervalMs) {
      while (this.cursor < n) this.enqueue(this.targets[this.cursor++], now); // a late step finishes its round
      this.roundStart += Math.floor((now - this.roundStart) / this.intervalMs) * this.intervalMs;
      this.cursor = 0;
    }
    const due = dueCount(now - this.roundStart, this.intervalMs, n);
    while (this.cursor < due) this.enqueue(this.targets[this.cursor++], now);
    this.pump();
  }

  /** Queues a read unless it is running or started less than half an interval ago (a reload moved it). */
  private enqueue(t: TelemetryTarget, now: number): void {
    if (this.busy.has(t.id) || now - (this.startedAt.get(t.id) ?? -Infinity) < this.intervalMs / 2) return;
    this.busy.add(t.id);
    this.queue.push(t);
  }

  private pump(): void {
    while (this.reading < MAX_CONCURRENT_READS && this.queue.length) {
      const t = this.queue.shift()!;
      this.reading++;
      void this.readOne(t)
        .catch((err) => log.warn("telemetry read failed", { error: String(err) }))
        .finally(() => {
          this.reading--;
          this.busy.delete(t.id);
          this.pump();
        });
    }
  }

  private async readOne(t: TelemetryTarget): Promise<void> {
    this.startedAt.set(t.id, this.now());
    const reading = await this.read(t, this.deps.timeoutMs, this.now).catch(() => null);
    if (!reading || !this.ids.has(t.id)) return; // failed (the previous reading ages), or no longer polled
    const previous = this.deps.latest.get(t.id);
    this.deps.latest.set(t.id, reading);
    if (sameReading(previous, reading)) {
      this.pending.unchanged.push(t.id);
      this.pending.unchangedAt = Math.min(this.pending.unchangedAt, reading.at);
    } else this.pending.readings.push([t.id, reading]);
    this.flush();
  }

  /** What was read within PUBLISH_MS leaves in one message. */
  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    setTimeout(() => {
      this.flushing = false;
      const batch = this.pending;
      if (!batch.readings.length && !batch.unchanged.length && !batch.dropped.length && !this.intervalChanged) return;
      this.intervalChanged = false;
      this.pending = this.empty();
      batch.intervalMs = this.intervalMs;
      this.deps.publish(batch);
    }, PUBLISH_MS).unref();
  }
}
