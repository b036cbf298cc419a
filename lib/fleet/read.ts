// One endpoint's telemetry, read with its engine's own API (the thin I/O around ./parse.ts). Every call goes
// through upstreamJson: capped answer size, a timeout, the X-LLMLB-Via mark. A failed or late call gives null:
// nothing is retried; the previous reading ages and goes stale.
import "server-only";
import type { EndpointType } from "../db/constants";
import { upstreamJson, type UpstreamResult } from "../endpoints/upstream-http";
import { parseLlamacpp, parseLmStudio, parseModelList, parseOllamaPs, parseVllm } from "./parse";
import type { EngineTelemetry } from "./telemetry";

export interface TelemetryTarget {
  id: string;
  type: EndpointType;
  baseUrl: string;
  apiKey: string | null;
  /** the models the endpoint serves (llama.cpp's /props does not name them) */
  models: string[];
}

/** Engine types that report anything about themselves; hosted OpenAI-compatible APIs and unknown ones do not. */
export const READS_TELEMETRY: ReadonlySet<EndpointType> = new Set(["ollama", "vllm", "llamacpp", "lm_studio", "xllm"]);

const ok = (r: UpstreamResult) => (r.kind === "ok" ? r.json : null);

export async function readTelemetry(
  t: TelemetryTarget,
  timeoutMs: number,
  now: () => number,
): Promise<EngineTelemetry | null> {
  const get = (path: string, text?: true) =>
    upstreamJson(t.baseUrl, path, { apiKey: t.apiKey, timeoutMs, ...(text ? { text } : {}) });
  switch (t.type) {
    case "ollama": {
      const r = await get("/api/ps");
      return r.kind === "ok" ? parseOllamaPs(r.json, now()) : null;
    }
    case "vllm": {
      const [metrics, models] = await Promise.all([get("/metrics", true), get("/v1/models")]);
      return metrics.kind === "ok" ? parseVllm(String(metrics.json), ok(models), now()) : null;
    }
    case "llamacpp": {
      const [props, slots, metrics] = await Promise.all([get("/props"), get("/slots"), get("/metrics", true)]);
      return props.kind === "ok"
        ? parseLlamacpp(props.json, ok(slots), metrics.kind === "ok" ? String(metrics.json) : null, t.models, now())
        : null;
    }
    case "lm_studio": {
      const r = await get("/api/v0/models");
      return r.kind === "ok" ? parseLmStudio(r.json, now()) : null;
    }
    case "xllm": {
      const r = await get("/v1/models");
      return r.kind === "ok" ? parseModelList(r.json, now()) : null;
    }
    default:
      return null;
  }
}
