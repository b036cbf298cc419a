// Engine telemetry as the API shows it (endpoint detail and list): loaded models with context and VRAM, the
// engine's queue and slots, and the reading's age; stale readings (older than 3 intervals) say so.
import type { EngineTelemetry } from "./telemetry";
import { isFresh } from "./telemetry";

export function serializeTelemetry(t: EngineTelemetry | undefined, now: number, intervalMs: number) {
  if (!t) return null;
  return {
    read_at: new Date(t.at).toISOString(),
    age_ms: Math.max(0, now - t.at),
    stale: !isFresh(t, now, intervalMs),
    running: t.running,
    waiting: t.waiting,
    slots: t.slots,
    busy_slots: t.busySlots,
    kv_cache_usage: t.kvCacheUsage,
    models: t.models.map((m) => ({
      model_id: m.id,
      loaded: m.loaded,
      context_length: m.contextLength,
      max_context_length: m.maxContextLength,
      vram_bytes: m.vramBytes,
      expires_at: m.expiresAt === null ? null : new Date(m.expiresAt).toISOString(),
    })),
  };
}
export type TelemetryDto = ReturnType<typeof serializeTelemetry>;

/** The ids of the models loaded by fresh telemetry, or null when there is none. */
export function loadedModels(t: EngineTelemetry | undefined, now: number, intervalMs: number): string[] | null {
  return isFresh(t, now, intervalMs) ? t.models.filter((m) => m.loaded).map((m) => m.id) : null;
}
