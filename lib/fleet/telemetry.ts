// What an engine says about itself: its loaded models, its own queue and slots. Read by the control
// thread (./poller.ts) with each engine's standard API, parsed by ./parse.ts, published to the /v1 thread.
// Client-safe: plain data only.
import { modelKey } from "../proxy/model-name";

/** One model the engine reports, loaded or not. */
export interface EngineModel {
  id: string;
  loaded: boolean;
  /** the context the model is loaded with (Ollama's context_length, LM Studio's loaded context, llama.cpp's n_ctx) */
  contextLength: number | null;
  /** the most the model can take (vLLM's max_model_len, LM Studio's max_context_length) */
  maxContextLength: number | null;
  vramBytes: number | null;
  /** Ollama's expires_at, ms since the epoch */
  expiresAt: number | null;
}

export interface EngineTelemetry {
  /** when it was read, ms since the epoch */
  at: number;
  /** every model the engine reports; for engines without residency (vLLM, llama.cpp) the served one(s), loaded */
  models: EngineModel[];
  /** requests the engine is working on (vLLM running, llama.cpp processing), null when it does not say */
  running: number | null;
  /** requests waiting in the engine's own queue (vLLM waiting, llama.cpp deferred) */
  waiting: number | null;
  /** parallel slots (llama.cpp total_slots) */
  slots: number | null;
  busySlots: number | null;
  /** KV-cache usage 0–1 (vLLM) */
  kvCacheUsage: number | null;
}

/** Whether `model` is among the loaded ones (Ollama's implicit `:latest` matches both ways). */
export const isLoaded = (loaded: readonly string[] | null, model: string): boolean =>
  !!loaded?.some((l) => modelKey(l) === modelKey(model));

/** Telemetry older than this many poll intervals counts as absent. */
export const STALE_INTERVALS = 3;

/** Whether a reading the engine last confirmed at `at` still counts. */
export const freshAt = (at: number, now: number, intervalMs: number): boolean =>
  intervalMs > 0 && now - at <= STALE_INTERVALS * intervalMs;

export const isFresh = (t: EngineTelemetry | undefined, now: number, intervalMs: number): t is EngineTelemetry =>
  !!t && freshAt(t.at, now, intervalMs);
