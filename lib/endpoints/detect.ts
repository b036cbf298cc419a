import type { EndpointType } from "../db/constants";
import { isJsonObject } from "../json";

/** The three discovery probes, as far as detection needs them. `null` = no HTTP answer at all. */
export interface ProbeAnswers {
  system: { status: number; json: unknown } | null; // GET /api/system
  tags: { status: number; json: unknown } | null; // GET /api/tags
  models: { status: number; json: unknown; server: string | null } | null; // GET /v1/models
}

const is2xx = (a: { status: number } | null) => !!a && a.status >= 200 && a.status < 300;

function ownedBy(json: unknown): string[] {
  if (!isJsonObject(json) || !Array.isArray(json.data)) return [];
  return json.data.flatMap((m) => (isJsonObject(m) && typeof m.owned_by === "string" ? [m.owned_by] : []));
}

/**
 * Decides an endpoint's type from probe answers, most specific first: xLLM (`/api/system`), Ollama (`/api/tags`),
 * then from `/v1/models` (its Server header and `owned_by`): vLLM, LM Studio, llama.cpp, any OpenAI-compatible API.
 * Pure.
 */
export function decideType(p: ProbeAnswers): EndpointType {
  if (is2xx(p.system) && isJsonObject(p.system!.json) && "xllm_version" in p.system!.json) return "xllm";
  if (is2xx(p.tags) && isJsonObject(p.tags!.json) && Array.isArray(p.tags!.json.models) && !("error" in p.tags!.json))
    return "ollama";
  if (p.models) {
    const marks = [p.models.server ?? "", ...ownedBy(p.models.json)].join(" ").toLowerCase();
    if (marks.includes("vllm")) return "vllm";
    if (/lm[ _-]?studio/.test(marks)) return "lm_studio";
    if (/llama[._-]?cpp/.test(marks)) return "llamacpp";
    if (is2xx(p.models) && isJsonObject(p.models.json) && Array.isArray(p.models.json.data)) return "openai_compatible";
  }
  return "unknown";
}

/** Whether anything answered over HTTP at all. */
export const anyAnswer = (p: ProbeAnswers) => !!(p.system || p.tags || p.models);
