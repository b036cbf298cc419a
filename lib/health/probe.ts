import "server-only";
import type { EndpointRow } from "../db/schema";
import type { EndpointType } from "../db/constants";
import { endpointApiKey } from "../endpoints/secrets";
import { LIST_LIMIT, upstreamJson, type UpstreamResult } from "../endpoints/upstream-http";
import { probeEndpoint } from "../endpoints/probe";
import type { CheckOutcome } from "./transition";

export interface HealthProbe {
  outcome: CheckOutcome;
  latencyMs: number | null;
  error: string | null;
  /** set when the probe (re-)detected the type */
  detectedType?: EndpointType;
}

const fromResult = (r: UpstreamResult): HealthProbe =>
  r.kind === "ok"
    ? { outcome: "success", latencyMs: r.latencyMs, error: null }
    : {
        outcome: r.kind === "unreachable" ? "unreachable" : "bad_answer",
        latencyMs: r.kind === "bad" ? r.latencyMs : null,
        error: r.error,
      };

/** One health probe by type: xLLM `/api/health` (fallback `/v1/models`), Ollama `/api/tags`, others `/v1/models`. */
export async function probeHealth(row: EndpointRow, timeoutMs: number): Promise<HealthProbe> {
  if (row.endpointType === "unknown") {
    // Nothing known yet: full detection, so the endpoint gets its type as soon as it is reachable.
    const p = await probeEndpoint(row.baseUrl, endpointApiKey(row), timeoutMs);
    if (!p.reachable) return { outcome: "unreachable", latencyMs: null, error: p.error };
    if (p.endpointType === "unknown") return { outcome: "bad_answer", latencyMs: p.latencyMs, error: p.error };
    return { outcome: "success", latencyMs: p.latencyMs, error: null, detectedType: p.endpointType };
  }
  const opts = { apiKey: endpointApiKey(row), timeoutMs };
  if (row.endpointType === "xllm") {
    const r = await upstreamJson(row.baseUrl, "/api/health", opts);
    if (r.kind !== "bad" || r.status !== 404) return fromResult(r);
  }
  return fromResult(
    await upstreamJson(row.baseUrl, row.endpointType === "ollama" ? "/api/tags" : "/v1/models", {
      ...opts,
      maxBytes: LIST_LIMIT,
    }),
  );
}
