import { generationProbeOn } from "../health/generation-probe";
import type { EndpointModelRow, EndpointRow } from "../db/schema";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface EndpointAggregates {
  modelCount: number;
  aggregateTps: number | null;
}

/** The endpoint as the API returns it. The key itself never leaves: only `has_api_key`. */
export function serializeEndpoint(row: EndpointRow, agg: EndpointAggregates, loadedModels: string[] | null = null) {
  return {
    id: row.id,
    name: row.name,
    base_url: row.baseUrl,
    status: row.status,
    endpoint_type: row.endpointType,
    health_check_interval_secs: row.healthCheckIntervalSecs,
    inference_timeout_secs: row.inferenceTimeoutSecs,
    model_load_timeout_secs: row.modelLoadTimeoutSecs,
    /** as stored (null: by type) */
    generation_probe: row.generationProbe,
    /** what applies now */
    generation_probe_effective: generationProbeOn(row),
    max_concurrency: row.maxConcurrency,
    has_api_key: row.apiKey !== null,
    latency_ms: row.latencyMs,
    last_seen_at: iso(row.lastSeenAt),
    last_checked_at: iso(row.lastCheckedAt),
    last_error: row.lastError,
    /** live completions stalled 3 times in 60 s: out of routing until a generation probe passes */
    stalled_at: iso(row.stalledAt),
    registered_at: iso(row.registeredAt)!,
    updated_at: iso(row.updatedAt)!,
    notes: row.notes,
    model_count: agg.modelCount,
    aggregate_tps: agg.aggregateTps,
    /** models the engine reports loaded (fresh telemetry of this instance), null when it reports nothing */
    loaded_models: loadedModels,
  };
}
export type EndpointDto = ReturnType<typeof serializeEndpoint>;

export function serializeModel(m: EndpointModelRow, tps: number | null) {
  return {
    model_id: m.modelId,
    capabilities: m.capabilities,
    context_length: m.contextLength,
    tps,
    synced_at: iso(m.syncedAt)!,
  };
}
export type EndpointModelDto = ReturnType<typeof serializeModel>;
