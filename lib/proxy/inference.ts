import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { env } from "../env";
import { getDb, slot } from "../runtime";
import { reportEndpointFailure } from "../health/check";
import { log } from "../observability/logger";
import { accountant } from "./accounting";
import { collect, sendUpstream } from "./forward";
import { upstreamRequestHeaders } from "./headers";
import type { OpenAIErrorType } from "./openai-error";
import { AdmissionQueue, QueueRejection } from "./queue";
import type { ClientSignal } from "./client-signal";
import type { RequestRecord } from "./record";
import { inspectBuffered, isEventStream, relayBuffered, relayStream, type RelayOutcome } from "./relay";
import { RoutingTable } from "./routing-table";
import { pickEndpoint } from "./select";
import { estimateTokens } from "./usage";

export interface InferenceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  rec: RequestRecord;
  payload: Buffer;
  dropUsageChunk: boolean;
  pinned: string | null;
  signal: ClientSignal;
}

export type InferenceOutcome =
  | { kind: "done" }
  | { kind: "error"; status: number; message: string; type: OpenAIErrorType; code: string; param?: string; headers?: Record<string, string> };

export const admissionQueue = () => slot("admissionQueue", () => new AdmissionQueue(() => ({ max: env().LLMLB_QUEUE_MAX, timeoutMs: env().LLMLB_QUEUE_TIMEOUT_SECS * 1000 })));

const passive = (id: string, reason: string) => void getDb().then((db) => reportEndpointFailure(db, id, reason)).catch((err) => log.warn("passive signal failed", { error: String(err) }));

/** Chooses and reserves an endpoint for the model among those not yet tried: its id, or why not. */
function tryAcquire(table: RoutingTable, ids: string[], tried: Set<string>, model: string): string | "saturated" | "none" {
  const candidates = [];
  for (const id of ids) {
    const ep = table.endpoints.get(id);
    if (tried.has(id) || !table.isRoutable(ep)) continue;
    candidates.push({ id, inflight: table.inflight.get(id) ?? 0, maxConcurrency: ep.maxConcurrency, tps: table.tps.get(RoutingTable.tpsKey(id, model)) ?? null });
  }
  const rr = table.rr.get(model) ?? table.rr.set(model, new Map()).get(model)!;
  const pick = pickEndpoint(candidates, rr);
  if (pick.kind !== "picked") return pick.kind;
  table.acquire(pick.id);
  return pick.id;
}

/**
 * Routes one inference request: picks an endpoint (queueing when all are at max_concurrency), forwards it,
 * and fails over on connect errors, timeouts before headers, 429 and 5xx — before any byte reached the client.
 */
export async function proxyInference(table: RoutingTable, r: InferenceRequest, maxRetries: number): Promise<InferenceOutcome> {
  const { rec, res } = r;
  const model = rec.model!;
  const entry = table.lookup(model);
  if (!entry) return { kind: "error", status: 404, message: `The model '${model}' does not exist.`, type: "invalid_request_error", code: "model_not_found", param: "model" };
  const ids = r.pinned ? entry.endpoints.filter((id) => id === r.pinned) : entry.endpoints;
  if (!ids.some((id) => table.isRoutable(table.endpoints.get(id)))) {
    return { kind: "error", status: 503, message: `No online endpoint serves '${model}' right now.`, type: "server_error", code: "no_endpoint_available", headers: { "retry-after": "5" } };
  }
  const tried = new Set<string>();
  const queue = admissionQueue();
  let last: { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer } | null = null;
  let lastFailure: "connect" | "timeout" | null = null;

  for (let attempt = 0; attempt <= maxRetries; attempt++) {
    let id = tryAcquire(table, ids, tried, model);
    if (id === "saturated") {
      try {
        id = await queue.wait(() => {
          const got = tryAcquire(table, ids, tried, model);
          return got === "saturated" || got === "none" ? null : got;
        }, r.signal);
      } catch (err) {
        const reason = err instanceof QueueRejection ? err.reason : "timeout";
        if (reason === "full") return { kind: "error", status: 429, message: "Too many queued requests.", type: "rate_limit_error", code: "queue_full", headers: { "retry-after": "1" } };
        return { kind: "error", status: 503, message: "Timed out waiting for a free endpoint.", type: "server_error", code: "queue_timeout", headers: { "retry-after": "5" } };
      }
    }
    if (id === "none") break;
    const ep = table.endpoints.get(id)!;
    tried.add(id);
    rec.retries = attempt;
    rec.endpoint = { id: ep.id, name: ep.name };
    try {
      const headers = upstreamRequestHeaders(r.req.headers, ep.apiKey, rec.requestId, r.payload.length);
      const sent = await sendUpstream(ep, rec.route, headers, r.payload, r.signal);
      if (sent.kind === "failed") {
        if (sent.reason === "aborted") return { kind: "done" };
        lastFailure = sent.reason;
        passive(ep.id, sent.error);
        continue;
      }
      const { data } = sent;
      if (data.statusCode === 429 || data.statusCode >= 500) {
        last = { status: data.statusCode, headers: data.headers, body: await collect(data.body).catch(() => Buffer.alloc(0)) };
        if (data.statusCode >= 500) passive(ep.id, `HTTP ${data.statusCode} from a live request`);
        continue;
      }
      let out: RelayOutcome;
      if (isEventStream(data)) out = await relayStream(res, data, ep, { started: rec.started, dropUsageChunk: r.dropUsageChunk });
      else {
        // a whole answer is read before anything reaches the client, so a bad one can still fail over
        const body = await collect(data.body).catch(() => null);
        const seen = body && inspectBuffered(data.statusCode, String(data.headers["content-type"] ?? ""), body);
        if (!body || !seen!.valid) {
          lastFailure = "connect";
          passive(ep.id, body ? "answered 2xx with something that is not JSON" : "failed while sending its answer");
          continue;
        }
        relayBuffered(res, data, ep, body);
        out = { status: data.statusCode, ttftMs: performance.now() - rec.started, usage: seen!.usage, estimatedTokens: estimateTokens(seen!.generatedChars), brokenStream: false, clientGone: false };
      }
      rec.status = out.status;
      rec.ttftMs = out.ttftMs;
      rec.usage = out.usage ?? (out.estimatedTokens ? { promptTokens: null, completionTokens: out.estimatedTokens, estimated: true } : null);
      if (out.brokenStream) {
        rec.errorCode = "upstream_stream_error";
        passive(ep.id, "the upstream failed mid-stream");
      } else if (out.clientGone) rec.errorCode = "client_disconnected";
      const ok = out.status < 400 && !out.brokenStream && !out.clientGone;
      const tps = accountant(getDb).record({ endpointId: ep.id, model, ok, completionTokens: rec.usage?.completionTokens ?? 0, generationMs: performance.now() - sent.sentAt });
      if (tps !== null) table.setTps(ep.id, model, tps);
      return { kind: "done" };
    } finally {
      table.release(id);
      queue.notify();
    }
  }
  if (last) {
    rec.errorCode = `upstream_${last.status}`;
    const retryAfter = last.headers["retry-after"];
    const message = `Every endpoint serving '${model}' failed (last: HTTP ${last.status}).`;
    return { kind: "error", status: last.status, message, type: last.status === 429 ? "rate_limit_error" : "server_error", code: last.status === 429 ? "rate_limited" : "upstream_error", headers: typeof retryAfter === "string" ? { "retry-after": retryAfter } : undefined };
  }
  return lastFailure === "timeout"
    ? { kind: "error", status: 504, message: "The upstream endpoint timed out.", type: "server_error", code: "upstream_timeout" }
    : { kind: "error", status: 502, message: "No endpoint could be reached.", type: "server_error", code: "upstream_unreachable", headers: { "retry-after": "5" } };
}
