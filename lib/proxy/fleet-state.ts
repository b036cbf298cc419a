// What the /v1 thread knows about the fleet beyond the registry: the engines' telemetry (published by
// the control thread), passive outcomes per endpoint, TTFT and cold-load EMAs per (endpoint, model), and the
// models it has just sent to a cold endpoint. It builds the candidates of ./route-choice.ts and keeps the counts
// /metrics shows. The choice itself stays pure; this is its state.
import "server-only";
import type { EngineModel, EngineTelemetry } from "../fleet/telemetry";
import { freshAt } from "../fleet/telemetry";
import type { TelemetryBatch } from "../fleet/poller";
import { PairMap } from "../pair-map";
import { modelKey } from "./model-name";
import { HEALTHY, afterFailure, afterProbe, afterSuccess, shareOf, type Health } from "./outcomes";
import {
  chooseEndpoint,
  type Choice,
  type ChoiceInput,
  type FleetCandidate,
  type Residency,
  type RouteReason,
} from "./route-choice";
import type { RouteEndpoint, RoutingTable } from "./routing-table";

export type RoutingPolicy = "fleet" | "least-inflight" | "round-robin";

/** Engines that load models on demand: a model they do not report loaded is cold. */
const RESIDENT_TYPES = new Set(["ollama", "lm_studio"]);
const EMA_ALPHA = 0.2;
/** a failed attempt counts in the TTFT EMA as an answer this slow: a fast 503 never looks fast */
export const FAILURE_TTFT_MS = 10_000;

const ema = (prev: number | undefined, sample: number) =>
  prev === undefined ? sample : EMA_ALPHA * sample + (1 - EMA_ALPHA) * prev;

interface Reading {
  t: EngineTelemetry;
  /** when the engine last said this (a later read that found nothing changed moves it on) */
  at: number;
  models: Map<string, EngineModel>; // by modelKey
  /**
   * the context this engine loads models with (the largest it reports loaded, kept from earlier readings when
   * nothing is loaded): a cold model will load with it, not with the maximum its metadata names (Ollama's
   * context_length in /api/ps against /api/show's trained maximum)
   */
  loadContext: number | null;
}

/** The context a request meets: the loaded one; for a cold model the engine's load context within its maximum. */
export function contextFor(
  m: EngineModel | undefined,
  loadContext: number | null,
  stored: number | null,
): number | null {
  if (m?.loaded && m.contextLength !== null) return m.contextLength;
  const max = m?.maxContextLength ?? stored;
  if (loadContext === null) return max;
  return max === null ? loadContext : Math.min(max, loadContext);
}

export class FleetState {
  private readings = new Map<string, Reading>();
  private health = new Map<string, Health>();
  readonly ttft = new PairMap<number>();
  readonly coldLoad = new PairMap<number>();
  private loadingUntil = new PairMap<number>();
  /**
   * Between two readings the engine's state moves: loading a cold model on an engine already holding as many as
   * it has ever held evicts one (Ollama and LM Studio evict the least recently used). We predict which — the one we
   * sent least recently — and count it cold until a reading taken after the eviction says otherwise.
   */
  private lastRouted = new PairMap<number>();
  private evictedAt = new PairMap<number>();
  private mostLoaded = new Map<string, number>();
  /** /metrics: cold routes and route reasons since start */
  coldRoutes = 0;
  readonly reasons = new Map<RouteReason, number>();

  constructor(
    readonly policy: RoutingPolicy,
    /** the poller's interval (its read budget may stretch it: each batch says) */
    public intervalMs: number,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * What the control thread read (lib/fleet/poller.ts): changed readings in full, unchanged ones as ids whose
   * reading only gets younger — no allocation for an endpoint whose engine said the same again.
   */
  apply(batch: TelemetryBatch): void {
    this.intervalMs = batch.intervalMs;
    for (const id of batch.dropped) this.readings.delete(id);
    for (const [id, t] of batch.readings) {
      let loadContext: number | null = null;
      for (const m of t.models)
        if (m.loaded && m.contextLength !== null) loadContext = Math.max(loadContext ?? 0, m.contextLength);
      this.readings.set(id, {
        t,
        at: t.at,
        models: new Map(t.models.map((m) => [modelKey(m.id), m])),
        loadContext: loadContext ?? this.readings.get(id)?.loadContext ?? null,
      });
      this.mostLoaded.set(id, Math.max(this.mostLoaded.get(id) ?? 0, t.models.filter((m) => m.loaded).length));
    }
    for (const id of batch.unchanged) {
      const r = this.readings.get(id);
      if (r && batch.unchangedAt > r.at) r.at = batch.unchangedAt;
    }
  }

  /** The endpoint's telemetry when fresh (younger than 3 poll intervals), else undefined. */
  fresh(endpointId: string): Reading | undefined {
    const r = this.readings.get(endpointId);
    return r && freshAt(r.at, this.now(), this.intervalMs) ? r : undefined;
  }

  /** Whether the model is loaded on the endpoint by fresh telemetry (null: not known). */
  loaded(endpointId: string, model: string): boolean | null {
    const r = this.fresh(endpointId);
    return r ? (r.models.get(modelKey(model))?.loaded ?? false) : null;
  }

  candidate(ep: RouteEndpoint, model: string, table: RoutingTable): FleetCandidate {
    const key = modelKey(model);
    const now = this.now();
    const r = this.fresh(ep.id);
    const m = r?.models.get(key);
    const loadingMs = Math.max(0, (this.loadingUntil.get(ep.id, key) ?? 0) - now);
    let residency: Residency = "unknown";
    if (loadingMs > 0) residency = "warm";
    else if (r)
      residency = RESIDENT_TYPES.has(ep.type) && (!m?.loaded || this.evictedSince(ep.id, key, r.at)) ? "cold" : "warm";
    const engineLoad =
      r && (r.t.running !== null || r.t.waiting !== null) ? (r.t.running ?? 0) + (r.t.waiting ?? 0) : null;
    return {
      id: ep.id,
      inflight: table.inflight.get(ep.id) ?? 0,
      maxConcurrency: ep.maxConcurrency,
      engineLoad,
      slots: r?.t.slots ?? null,
      residency,
      context: contextFor(m, r?.loadContext ?? null, table.contextOf(ep.id, key)),
      ttftMs: this.ttft.get(ep.id, key) ?? null,
      tps: table.tpsOf(ep.id, model),
      coldLoadMs: this.coldLoad.get(ep.id, key) ?? null,
      loadingMs,
      share: shareOf(this.health.get(ep.id) ?? HEALTHY, now),
    };
  }

  choose(
    eps: RouteEndpoint[],
    model: string,
    table: RoutingTable,
    tokens: { promptTokens: number; maxTokens: number },
  ): Choice {
    const choice = chooseEndpoint(
      eps.map((ep) => this.candidate(ep, model, table)),
      new TokensInput(tokens, this.random),
      table.roundRobin(model),
    );
    if (choice.kind !== "picked") return choice;
    const key = modelKey(model);
    const now = this.now();
    if (choice.cold) {
      this.predictEviction(choice.id, key, now);
      this.loadingUntil.set(choice.id, key, now + (this.coldLoad.get(choice.id, key) ?? 15_000));
    }
    this.lastRouted.set(choice.id, key, now);
    const h = this.health.get(choice.id);
    if (h) this.health.set(choice.id, afterProbe(h, now));
    return choice;
  }

  private evictedSince(endpointId: string, key: string, readAt: number): boolean {
    return (this.evictedAt.get(endpointId, key) ?? -Infinity) >= readAt;
  }

  /** Loading `key` on a full engine evicts the loaded model we sent least recently (see `evictedAt`). */
  private predictEviction(endpointId: string, key: string, now: number): void {
    const r = this.fresh(endpointId);
    if (!r) return;
    const resident = new Set<string>();
    for (const [k, m] of r.models) if (m.loaded && !this.evictedSince(endpointId, k, r.at)) resident.add(k);
    for (const [e, k, until] of this.loadingUntil.entries()) if (e === endpointId && until > now) resident.add(k);
    resident.delete(key);
    if (resident.size + 1 <= (this.mostLoaded.get(endpointId) ?? Infinity)) return;
    let victim: string | null = null;
    for (const k of resident)
      if (victim === null || (this.lastRouted.get(endpointId, k) ?? 0) < (this.lastRouted.get(endpointId, victim) ?? 0))
        victim = k;
    if (victim !== null) {
      this.evictedAt.set(endpointId, victim, now);
      this.loadingUntil.set(endpointId, victim, 0);
    }
  }

  routed(reason: RouteReason, cold: boolean): void {
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
    if (cold) this.coldRoutes++;
  }

  /** An attempt answered: TTFT folds into the EMA (as the cold-load time when the model was cold). */
  answered(endpointId: string, model: string, ttftMs: number | null, cold: boolean): void {
    const key = modelKey(model);
    this.health.set(endpointId, afterSuccess(this.health.get(endpointId) ?? HEALTHY, this.now()));
    if (ttftMs === null) return;
    if (cold) {
      this.coldLoad.set(endpointId, key, ema(this.coldLoad.get(endpointId, key), ttftMs));
      this.loadingUntil.set(endpointId, key, 0);
    } else this.ttft.set(endpointId, key, ema(this.ttft.get(endpointId, key), ttftMs));
  }

  /** An attempt failed by the endpoint's fault: cooldown, and it weighs as slow. */
  failed(endpointId: string, model: string): void {
    const key = modelKey(model);
    this.health.set(endpointId, afterFailure(this.health.get(endpointId) ?? HEALTHY, this.now()));
    this.ttft.set(endpointId, key, ema(this.ttft.get(endpointId, key), FAILURE_TTFT_MS));
  }

  healthOf(endpointId: string): Health {
    return this.health.get(endpointId) ?? HEALTHY;
  }

  /** Fresh readings, for /metrics. */
  *freshReadings(): IterableIterator<[string, EngineTelemetry]> {
    for (const [id] of this.readings) {
      const r = this.fresh(id);
      if (r) yield [id, r.t];
    }
  }
}

/** The choice's input over a request's tokens: a class, since an object literal's getter is defined per request. */
class TokensInput implements ChoiceInput {
  constructor(
    private readonly tokens: { promptTokens: number; maxTokens: number },
    readonly random: () => number,
  ) {}

  get promptTokens(): number {
    return this.tokens.promptTokens;
  }

  get maxTokens(): number {
    return this.tokens.maxTokens;
  }
}
