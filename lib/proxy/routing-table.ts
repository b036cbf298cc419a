import "server-only";
import type { ReadDb } from "../db/client";
import { inArray } from "drizzle-orm";
import { endpointModels, endpointModelStats, endpoints, type EndpointModelRow, type EndpointRow } from "../db/schema";
import type { EndpointStatus, EndpointType } from "../db/constants";
import { endpointApiKey } from "../endpoints/secrets";
import { log } from "../observability/logger";
import { modelKey } from "./model-name";
import { nextTpsEma } from "./usage";
import { coalesced } from "../coalesce";
import { PairMap } from "../pair-map";
import { byCodePoint } from "../order";

export interface RouteEndpoint {
  id: string;
  name: string;
  /** the name as the X-LLMLB-Endpoint-Name response header carries it (percent-encoded) */
  nameHeader: string;
  origin: string; // scheme://host:port
  basePath: string; // path prefix of base_url, "" for none
  apiKey: string | null;
  status: EndpointStatus;
  type: EndpointType;
  maxConcurrency: number | null;
  timeoutMs: number;
  /** the header wait when the engine reports the model not loaded (a cold load: FleetState.loaded) */
  modelLoadTimeoutMs: number;
}

interface ModelEntry {
  id: string; // as the first endpoint reports it
  endpoints: string[]; // endpoint ids serving it
}

/** One endpoint's models as stored. */
type ServedModel = Pick<EndpointModelRow, "modelId" | "syncedAt" | "contextLength">;

/**
 * The proxy's in-memory view of the registry: endpoints, which models each serves, TPS per (endpoint, model),
 * and the per-instance in-flight counters. No query on the hot path. A change to one endpoint reloads that
 * endpoint's rows only (a full reload of 1,000 endpoints takes ~20 ms of this thread, and registering 1,000
 * endpoints makes ~3,000 changes); a change of unknown extent (another instance's) reloads everything.
 */
export class RoutingTable {
  endpoints = new Map<string, RouteEndpoint>();
  models = new Map<string, ModelEntry>(); // by modelKey
  tps = new PairMap<number>(); // by endpoint id, model key
  inflight = new Map<string, number>();
  private rr = new Map<string, Map<string, number>>(); // smooth round-robin state per model
  modelsJson = '{"object":"list","data":[]}';
  loaded = false;
  private served = new Map<string, ServedModel[]>(); // by endpoint id
  private dirty = new Set<string>();
  private dirtyAll = true;

  constructor(private readonly db: () => Promise<ReadDb>) {}

  lookup(model: string): ModelEntry | undefined {
    return this.models.get(modelKey(model));
  }

  isRoutable(e: RouteEndpoint | undefined): e is RouteEndpoint {
    return !!e && e.status === "online";
  }

  tpsOf(endpointId: string, model: string): number | null {
    return this.tps.get(endpointId, modelKey(model)) ?? null;
  }

  /** The model's context as synced (the maximum it can take), by model key; null when unknown. */
  contextOf(endpointId: string, key: string): number | null {
    const list = this.served.get(endpointId);
    if (list) for (const m of list) if (modelKey(m.modelId) === key) return m.contextLength ?? null;
    return null;
  }

  /** The smooth round-robin state of one model (lib/proxy/select.ts). */
  roundRobin(model: string): Map<string, number> {
    let state = this.rr.get(model);
    if (!state) this.rr.set(model, (state = new Map()));
    return state;
  }

  acquire(id: string) {
    this.inflight.set(id, (this.inflight.get(id) ?? 0) + 1);
  }

  release(id: string) {
    this.inflight.set(id, Math.max(0, (this.inflight.get(id) ?? 1) - 1));
  }

  /**
   * Folds one generation into the pair's TPS figure (this table is its one owner; the control thread stores it
   * with the pair's counters) and returns the figure after it.
   */
  observeGeneration(endpointId: string, model: string, tokens: number, ms: number): number | null {
    const key = modelKey(model);
    const ema = nextTpsEma(this.tps.get(endpointId, key) ?? null, tokens, ms / 1000);
    if (ema !== null) this.tps.set(endpointId, key, ema);
    return ema;
  }

  /** Marks one endpoint (or, without an id, everything) for reloading, and reloads. */
  changed(endpointId?: string): Promise<void> {
    if (endpointId === undefined) this.dirtyAll = true;
    else this.dirty.add(endpointId);
    return this.reload();
  }

  /** Bursts of changes fold into one reload at a time. */
  reload = coalesced(() =>
    this.load().catch((err) => log.error("routing table reload failed", { error: String(err) })),
  );

  private async load(): Promise<void> {
    const all = this.dirtyAll || !this.loaded;
    const ids = [...this.dirty];
    this.dirtyAll = false;
    this.dirty.clear();
    if (!all && !ids.length) return;
    const db = await this.db();
    const [eps, models, stats] = all
      ? await Promise.all([
          db.select().from(endpoints),
          db.select().from(endpointModels),
          db.select().from(endpointModelStats),
        ])
      : await Promise.all([
          db.select().from(endpoints).where(inArray(endpoints.id, ids)),
          db.select().from(endpointModels).where(inArray(endpointModels.endpointId, ids)),
          db.select().from(endpointModelStats).where(inArray(endpointModelStats.endpointId, ids)),
        ]);
    const nextEndpoints = all ? new Map<string, RouteEndpoint>() : this.endpoints;
    const served = all ? new Map<string, ServedModel[]>() : this.served;
    for (const id of ids) nextEndpoints.delete(id), served.delete(id);
    for (const e of eps) nextEndpoints.set(e.id, routeEndpoint(e));
    for (const m of models)
      (served.get(m.endpointId) ?? served.set(m.endpointId, []).get(m.endpointId)!).push({
        modelId: m.modelId,
        syncedAt: m.syncedAt,
        contextLength: m.contextLength,
      });
    // TPS: the stored EMA, unless this instance has measured since (its figure is newer than the last flush)
    const nextTps = this.tps.clone();
    nextTps.retainFirst((id) => nextEndpoints.has(id)); // deleted endpoints
    for (const s of stats)
      if (s.tpsEma !== null && (!this.loaded || !nextTps.has(s.endpointId, modelKey(s.modelId))))
        nextTps.set(s.endpointId, modelKey(s.modelId), s.tpsEma);
    this.endpoints = nextEndpoints;
    this.served = served;
    this.tps = nextTps;
    this.index();
    this.loaded = true;
  }

  /** The model index and the /v1/models answer, from the endpoints and their models in memory. */
  private index(): void {
    const models = new Map<string, ModelEntry>();
    const created = new Map<string, number>();
    for (const [endpointId, list] of this.served) {
      const online = this.endpoints.get(endpointId)?.status === "online";
      for (const m of list) {
        const key = modelKey(m.modelId);
        const entry = models.get(key) ?? models.set(key, { id: m.modelId, endpoints: [] }).get(key)!;
        entry.endpoints.push(endpointId);
        if (online) created.set(key, Math.min(created.get(key) ?? Infinity, m.syncedAt));
      }
    }
    this.models = models;
    const data = [...created].map(([key, at]) => ({
      id: models.get(key)!.id,
      object: "model",
      created: Math.floor(at / 1000),
      owned_by: "llmlb",
    }));
    data.sort((a, b) => byCodePoint(a.id, b.id));
    this.modelsJson = JSON.stringify({ object: "list", data });
  }
}

function routeEndpoint(e: EndpointRow): RouteEndpoint {
  const url = new URL(e.baseUrl);
  return {
    id: e.id,
    name: e.name,
    nameHeader: encodeURIComponent(e.name),
    origin: url.origin,
    basePath: url.pathname === "/" ? "" : url.pathname,
    apiKey: endpointApiKey(e),
    status: e.status,
    type: e.endpointType,
    maxConcurrency: e.maxConcurrency,
    timeoutMs: e.inferenceTimeoutSecs * 1000,
    modelLoadTimeoutMs: e.modelLoadTimeoutSecs * 1000,
  };
}
