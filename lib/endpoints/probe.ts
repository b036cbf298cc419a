import "server-only";
import type { EndpointType } from "../db/constants";
import { englishMessage } from "../i18n/localize";
import { anyAnswer, decideType, type ProbeAnswers } from "./detect";
import { parseModelList, type DiscoveredModel } from "./models";
import { LIST_LIMIT, SELF_ERROR, upstreamJson, type UpstreamResult } from "./upstream-http";

export interface ProbeReport {
  reachable: boolean;
  endpointType: EndpointType;
  latencyMs: number | null;
  models: DiscoveredModel[];
  error: string | null;
  /** the address is this load balancer (or another instance of its cluster): registering it would make a loop */
  self: boolean;
}

const asAnswer = (r: UpstreamResult) =>
  r.kind === "unreachable"
    ? null
    : { status: r.status, json: r.kind === "ok" ? r.json : null, server: r.headers?.get("server") ?? null };

/** Fires the three discovery probes at once and decides the type; bounded by `timeoutMs`. */
export async function probeEndpoint(baseUrl: string, apiKey: string | null, timeoutMs: number): Promise<ProbeReport> {
  const opts = { apiKey, timeoutMs };
  const list = { ...opts, maxBytes: LIST_LIMIT };
  const [system, tags, models] = await Promise.all([
    upstreamJson(baseUrl, "/api/system", opts),
    upstreamJson(baseUrl, "/api/tags", list),
    upstreamJson(baseUrl, "/v1/models", list),
  ]);
  const answers: ProbeAnswers = { system: asAnswer(system), tags: asAnswer(tags), models: asAnswer(models) };
  const endpointType = decideType(answers);
  const reachable = anyAnswer(answers);
  const listSource =
    endpointType === "ollama" && tags.kind === "ok" ? tags.json : models.kind === "ok" ? models.json : null;
  const parsed = parseModelList(listSource);
  const found = parsed ?? [];
  let error: string | null = null;
  if (!reachable) error = models.kind === "unreachable" ? models.error : englishMessage("err_no_known_api");
  else if (endpointType === "unknown")
    error = models.kind === "bad" ? models.error : englishMessage("err_no_known_api");
  else if (parsed === null) {
    // a type was recognised but its model list failed: never a success (it would be saved, then go `error`)
    const listAnswer = endpointType === "ollama" ? tags : models;
    const reason =
      listAnswer.kind === "ok"
        ? englishMessage("err_not_model_list", { path: endpointType === "ollama" ? "/api/tags" : "/v1/models" })
        : listAnswer.error;
    error = englishMessage("err_model_list_failed", { reason });
  }
  const latencies = [system, tags, models].filter((r) => r.kind !== "unreachable").map((r) => r.latencyMs);
  const self = [system, tags, models].some((r) => r.kind === "bad" && r.loop === true);
  return {
    reachable,
    endpointType,
    latencyMs: latencies.length ? Math.min(...latencies) : null,
    models: found,
    error: self ? SELF_ERROR : error,
    self,
  };
}
