// Each engine's telemetry answer → EngineTelemetry. Pure; wire formats from each project's documentation:
// Ollama GET /api/ps; vLLM GET /metrics (Prometheus) and GET /v1/models (max_model_len); llama.cpp GET /props,
// GET /slots, GET /metrics; LM Studio GET /api/v0/models. Anything missing or malformed reads as "not said" (null).
import type { EngineModel, EngineTelemetry } from "./telemetry";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" && v ? v : null);
const listOf = (v: unknown, key: string): Obj[] =>
  isObj(v) && Array.isArray(v[key]) ? (v[key] as unknown[]).filter(isObj) : Array.isArray(v) ? v.filter(isObj) : [];

const empty = (at: number): EngineTelemetry => ({
  at,
  models: [],
  running: null,
  waiting: null,
  slots: null,
  busySlots: null,
  kvCacheUsage: null,
});
const model = (id: string, fields: Partial<EngineModel>): EngineModel => ({
  id,
  loaded: true,
  contextLength: null,
  maxContextLength: null,
  vramBytes: null,
  expiresAt: null,
  ...fields,
});

/** Prometheus text exposition → sum per metric name (labels summed over). Comments and bad lines are skipped. */
export function parsePrometheus(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line[0] === "#") continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const v = Number(m[3]);
    if (Number.isFinite(v)) out.set(m[1], (out.get(m[1]) ?? 0) + v);
  }
  return out;
}

/** Ollama `GET /api/ps`: `{models:[{name, model, size, size_vram, expires_at, context_length}]}`. */
export function parseOllamaPs(json: unknown, at: number): EngineTelemetry {
  const t = empty(at);
  for (const m of listOf(json, "models")) {
    const id = str(m.name) ?? str(m.model);
    if (!id) continue;
    const expires = str(m.expires_at) ? Date.parse(m.expires_at as string) : NaN;
    t.models.push(
      model(id, {
        contextLength: num(m.context_length),
        vramBytes: num(m.size_vram),
        expiresAt: Number.isFinite(expires) ? expires : null,
      }),
    );
  }
  return t;
}

/** vLLM `GET /metrics` and `GET /v1/models`: queue from num_requests_running/waiting, KV cache under either name. */
export function parseVllm(metrics: string, models: unknown, at: number): EngineTelemetry {
  const t = empty(at);
  const p = parsePrometheus(metrics);
  t.running = p.get("vllm:num_requests_running") ?? null;
  t.waiting = p.get("vllm:num_requests_waiting") ?? null;
  t.kvCacheUsage = p.get("vllm:kv_cache_usage_perc") ?? p.get("vllm:gpu_cache_usage_perc") ?? null;
  for (const m of listOf(models, "data")) {
    const id = str(m.id);
    if (id) t.models.push(model(id, { maxContextLength: num(m.max_model_len) }));
  }
  return t;
}

/** llama.cpp `GET /props` (`default_generation_settings.n_ctx` or `n_ctx`, `total_slots`), `/slots` (may be off), `/metrics`. */
export function parseLlamacpp(
  props: unknown,
  slots: unknown,
  metrics: string | null,
  servedModels: readonly string[],
  at: number,
): EngineTelemetry {
  const t = empty(at);
  const settings = isObj(props) && isObj(props.default_generation_settings) ? props.default_generation_settings : {};
  const nCtx = num(settings.n_ctx) ?? (isObj(props) ? num(props.n_ctx) : null);
  t.slots = isObj(props) ? num(props.total_slots) : null;
  if (Array.isArray(slots)) {
    const list = slots.filter(isObj);
    t.slots ??= list.length;
    t.busySlots = list.filter((s) => s.is_processing === true || s.state === 1).length;
  }
  if (metrics !== null) {
    const p = parsePrometheus(metrics);
    t.running = p.get("llamacpp:requests_processing") ?? null;
    t.waiting = p.get("llamacpp:requests_deferred") ?? null;
  }
  t.running ??= t.busySlots;
  for (const id of servedModels) t.models.push(model(id, { contextLength: nCtx }));
  return t;
}

/** LM Studio `GET /api/v0/models`: `{data:[{id, state: "loaded"|"not-loaded", max_context_length, loaded_context_length?}]}`. */
export function parseLmStudio(json: unknown, at: number): EngineTelemetry {
  const t = empty(at);
  for (const m of listOf(json, "data")) {
    const id = str(m.id);
    if (!id || m.type === "embeddings") continue;
    const loaded = m.state === "loaded";
    t.models.push(
      model(id, {
        loaded,
        contextLength: loaded ? num(m.loaded_context_length) : null,
        maxContextLength: num(m.max_context_length),
      }),
    );
  }
  return t;
}

/** xLLM: the models its OpenAI-compatible list reports are the loaded ones (it has no separate residency API). */
export function parseModelList(json: unknown, at: number): EngineTelemetry {
  const t = empty(at);
  for (const m of listOf(json, "data")) {
    const id = str(m.id);
    if (id) t.models.push(model(id, { maxContextLength: num(m.max_model_len) ?? num(m.context_length) }));
  }
  return t;
}
