// Parsing upstream model lists and metadata. Pure.
import { isJsonObject } from "../json";
export interface DiscoveredModel {
  modelId: string;
  capabilities: string[];
  contextLength: number | null;
}

/** Capabilities from the name when the upstream does not say: `embed*` → embeddings, else chat. */
export function defaultCapabilities(modelId: string): string[] {
  const base = modelId.split("/").pop()!.toLowerCase();
  return base.includes("embed") ? ["embeddings"] : ["chat"];
}

const OLLAMA_CAPABILITIES: Record<string, string> = { completion: "chat", embedding: "embeddings" };
/** Ollama says `completion` / `embedding`; we say `chat` / `embeddings`; others (tools, vision…) pass through. */
export const normaliseCapabilities = (caps: unknown): string[] | null =>
  Array.isArray(caps) && caps.length && caps.every((c) => typeof c === "string")
    ? [...new Set(caps.map((c) => OLLAMA_CAPABILITIES[c] ?? c))]
    : null;

const positiveInt = (v: unknown) => (typeof v === "number" && Number.isInteger(v) && v > 0 ? v : null);

/**
 * A model list in either shape: OpenAI `{data:[{id}]}` or Ollama `{models:[{name}]}`.
 * Returns null when the answer is neither (a bad answer).
 */
export function parseModelList(json: unknown): DiscoveredModel[] | null {
  if (!isJsonObject(json)) return null;
  const list = Array.isArray(json.data) ? json.data : Array.isArray(json.models) ? json.models : null;
  if (!list) return null;
  const seen = new Map<string, DiscoveredModel>();
  for (const entry of list) {
    if (!isJsonObject(entry)) continue;
    const id =
      typeof entry.id === "string"
        ? entry.id
        : typeof entry.name === "string"
          ? entry.name
          : typeof entry.model === "string"
            ? entry.model
            : null;
    if (!id || id.length > 512 || seen.has(id)) continue;
    seen.set(id, {
      modelId: id,
      capabilities: normaliseCapabilities(entry.capabilities) ?? defaultCapabilities(id),
      contextLength: positiveInt(entry.context_length) ?? positiveInt(entry.max_model_len) ?? positiveInt(entry.n_ctx),
    });
  }
  return [...seen.values()];
}

/** Ollama `/api/show`: context length from `model_info["<arch>.context_length"]`, capabilities as reported. */
export function parseOllamaShow(json: unknown): { contextLength: number | null; capabilities: string[] | null } {
  if (!isJsonObject(json)) return { contextLength: null, capabilities: null };
  let contextLength: number | null = null;
  if (isJsonObject(json.model_info)) {
    const info = json.model_info;
    const arch = typeof info["general.architecture"] === "string" ? info["general.architecture"] : null;
    contextLength = positiveInt(arch ? info[`${arch}.context_length`] : null);
    if (contextLength === null) {
      const key = Object.keys(info).find((k) => k.endsWith(".context_length"));
      contextLength = key ? positiveInt(info[key]) : null;
    }
  }
  return { contextLength, capabilities: normaliseCapabilities(json.capabilities) };
}

/** xLLM `/api/models/{id}/info`: `{context_length, capabilities}`. */
export function parseXllmInfo(json: unknown): { contextLength: number | null; capabilities: string[] | null } {
  if (!isJsonObject(json)) return { contextLength: null, capabilities: null };
  return { contextLength: positiveInt(json.context_length), capabilities: normaliseCapabilities(json.capabilities) };
}
