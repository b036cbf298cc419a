import "server-only";
import type { Db } from "../db/client";
import { endpointModels, endpointModelStats, endpoints } from "../db/schema";
import type { EndpointStatus, EndpointType } from "../db/constants";
import { endpointApiKey } from "../endpoints/secrets";
import { runtime, slot } from "../runtime";
import { log } from "../observability/logger";
import { modelKey } from "./model-name";
import { coalesced } from "../coalesce";

/** A change reaches routing within this plus one reload (SPEC §1: within 1 s). */
const RELOAD_GAP_MS = 200;

export interface RouteEndpoint {
  id: string;
  name: string;
  origin: string; // scheme://host:port
  basePath: string; // path prefix of base_url, "" for none
  apiKey: string | null;
  status: EndpointStatus;
  type: EndpointType;
  maxConcurrency: number | null;
  timeoutMs: number;
}

interface ModelEntry {
  id: string; // as the first endpoint reports it
  endpoints: string[]; // endpoint ids serving it
}

/**
 * The proxy's in-memory view of the registry: endpoints, which models each serves, TPS per (endpoint, model),
 * and the per-instance in-flight counters. Reloaded from the database on every registry change; no query on
 * the hot path.
 */
export class RoutingTable {
  endpoints = new Map<string, RouteEndpoint>();
  models = new Map<string, ModelEntry>(); // by modelKey
  tps = new Map<string, number>(); // `${endpointId}\u0000${modelKey}`
  inflight = new Map<string, number>();
  rr = new Map<string, Map<string, number>>(); // smooth round-robin state per model key
  modelsJson = '{"object":"list","data":[]}';
  loaded = false;

  constructor(private readonly db: () => Promise<Db>) {}

  static tpsKey = (endpointId: string, model: string) => `${endpointId}\u0000${modelKey(model)}`;

  lookup(model: string): ModelEntry | undefined {
    return this.models.get(modelKey(model));
  }

  isRoutable(e: RouteEndpoint | undefined): e is RouteEndpoint {
    return !!e && e.status === "online";
  }

  acquire(id: string) {
    this.inflight.set(id, (this.inflight.get(id) ?? 0) + 1);
  }

  release(id: string) {
    this.inflight.set(id, Math.max(0, (this.inflight.get(id) ?? 1) - 1));
  }

  setTps(endpointId: string, model: string, tps: number) {
    this.tps.set(RoutingTable.tpsKey(endpointId, model), tps);
  }

  /**
   * Bursts of changes fold into one reload at a time, at most one per RELOAD_GAP_MS: a reload of 1,000
   * endpoints takes ~20 ms of this thread, and registering 1,000 endpoints makes 3,000 changes.
   */
  reload = coalesced(() => this.load().catch((err) => log.error("routing table reload failed", { error: String(err) })), { gapMs: RELOAD_GAP_MS });

  private async load(): Promise<void> {
    const db = await this.db();
    const [eps, models, stats] = await Promise.all([db.select().from(endpoints), db.select().from(endpointModels), db.select().from(endpointModelStats)]);
    const nextEndpoints = new Map<string, RouteEndpoint>();
    for (const e of eps) {
      const url = new URL(e.baseUrl);
      nextEndpoints.set(e.id, {
        id: e.id,
        name: e.name,
        origin: url.origin,
        basePath: url.pathname === "/" ? "" : url.pathname,
        apiKey: endpointApiKey(e),
        status: e.status,
        type: e.endpointType,
        maxConcurrency: e.maxConcurrency,
        timeoutMs: e.inferenceTimeoutSecs * 1000,
      });
    }
    const nextModels = new Map<string, ModelEntry>();
    const created = new Map<string, number>();
    for (const m of models) {
      const key = modelKey(m.modelId);
      const entry = nextModels.get(key) ?? nextModels.set(key, { id: m.modelId, endpoints: [] }).get(key)!;
      entry.endpoints.push(m.endpointId);
      if (nextEndpoints.get(m.endpointId)?.status === "online") created.set(key, Math.min(created.get(key) ?? Infinity, m.syncedAt));
    }
    const nextTps = new Map<string, number>();
    for (const s of stats) if (s.tpsEma !== null) nextTps.set(RoutingTable.tpsKey(s.endpointId, s.modelId), s.tpsEma);
    // in-memory measurements newer than the last flush win
    for (const [k, v] of this.tps) if (!nextTps.has(k) || this.loaded) nextTps.set(k, v);
    this.endpoints = nextEndpoints;
    this.models = nextModels;
    this.tps = nextTps;
    const data = [...created].map(([key, at]) => ({ id: nextModels.get(key)!.id, object: "model", created: Math.floor(at / 1000), owned_by: "llmlb" }));
    data.sort((a, b) => a.id.localeCompare(b.id));
    this.modelsJson = JSON.stringify({ object: "list", data });
    this.loaded = true;
  }
}

/** The one routing table of this process, reloading itself on registry changes. */
export function routingTable(db: () => Promise<Db>): RoutingTable {
  return slot("routingTable", () => {
    const table = new RoutingTable(db);
    runtime().events.on("registry-changed", () => void table.reload());
    return table;
  });
}
