import "server-only";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { env } from "../env";
import { getDb, slot } from "../runtime";
import { reportEndpointFailure } from "../health/check";
import { log } from "../observability/logger";
import { accountant } from "./accounting";
import { poolFor } from "./forward";
import type { OpenAIErrorType } from "./openai-error";
import { AdmissionQueue, QueueRejection } from "./queue";
import { ClientSignal } from "./client-signal";
import type { RequestRecord } from "./record";
import type { RouteEndpoint, RoutingTable } from "./routing-table";
import { pickEndpoint, type Candidate } from "./select";
import type { Usage } from "./usage";
import { Attempt, CLIENT_GONE } from "./attempt";
import { VIA_HEADER } from "../cluster/via";

export interface ProxyError {
  status: number;
  message: string;
  type: OpenAIErrorType;
  code: string;
  param?: string;
  headers?: Record<string, string>;
}

export interface ExchangeInput {
  res: ServerResponse;
  rec: RequestRecord;
  payload: Buffer;
  /** the client's headers to pass on ([name, value, …]), without length, request id or credentials */
  forward: string[];
  dropUsageChunk: boolean;
  pinned: string | null;
  /** X-LLMLB-Via for the upstream: the clusters this request passed through, this one last */
  via: string;
}

export const admissionQueue = () => slot("admissionQueue", () => new AdmissionQueue(() => ({ max: env().LLMLB_QUEUE_MAX, timeoutMs: env().LLMLB_QUEUE_TIMEOUT_SECS * 1000 })));

export const INTERNAL_ERROR: ProxyError = { status: 500, message: "internal error", type: "server_error", code: "internal_error" };

export const logProxyFailure = (requestId: string, err: unknown) =>
  log.error("proxy failure", { requestId, error: err instanceof Error ? err.message : String(err) });

const passive = (id: string, reason: string) => void getDb().then((db) => reportEndpointFailure(db, id, reason)).catch((err) => log.warn("passive signal failed", { error: String(err) }));


/** Whose request this is, for the admission queue's fairness: one API key, or one signed-in user. */
const callerKey = (rec: RequestRecord) => (rec.principal ? `${rec.principal.kind}:${rec.principal.id}` : "");

/** Chooses and reserves an endpoint for the model among those not yet tried: its id, or why not. */
function tryAcquire(table: RoutingTable, ids: readonly string[], tried: readonly string[], model: string): string | "saturated" | "none" {
  const candidates: Candidate[] = [];
  for (const id of ids) {
    const ep = table.endpoints.get(id);
    if (!table.isRoutable(ep) || tried.includes(id)) continue;
    candidates.push({ id, inflight: table.inflight.get(id) ?? 0, maxConcurrency: ep.maxConcurrency, tps: table.tpsOf(id, model) });
  }
  const pick = pickEndpoint(candidates, table.roundRobin(model));
  if (pick.kind !== "picked") return pick.kind;
  table.acquire(pick.id);
  return pick.id;
}

/**
 * One inference request through the proxy: picks an endpoint (queueing when all are at max_concurrency),
 * forwards it with undici's dispatch API (no stream objects or promises per request), and fails over on connect
 * errors, timeouts before headers, 429, 5xx and 2xx answers that are not JSON — before any byte reached the
 * client. `done` is called once, with the error to send when no endpoint answered.
 */
export class Exchange {
  private readonly ids: readonly string[];
  private readonly model: string;
  private tried: string[] = [];
  private attempt = -1;
  private current: Attempt | null = null;
  private lastStatus: { status: number; retryAfter: string | null } | null = null;
  private lastFailure: "connect" | "timeout" | null = null;
  private signal: ClientSignal | null = null;
  clientGone = false;
  finished = false;

  constructor(
    private readonly table: RoutingTable,
    readonly input: ExchangeInput,
    entryEndpoints: readonly string[],
    private readonly maxRetries: number,
    private readonly done: (error: ProxyError | null) => void,
  ) {
    this.model = input.rec.model!;
    this.ids = input.pinned ? entryEndpoints.filter((id) => id === input.pinned) : entryEndpoints;
  }

  start(): void {
    if (!this.ids.some((id) => this.table.isRoutable(this.table.endpoints.get(id)))) {
      return this.finish({ status: 503, message: `No online endpoint serves '${this.model}' right now.`, type: "server_error", code: "no_endpoint_available", headers: { "retry-after": "5" } });
    }
    this.next();
  }

  /** The client closed its connection before the response was complete. */
  clientClosed(): void {
    this.clientGone = true;
    this.signal?.abort();
    this.current?.controller?.abort(CLIENT_GONE);
  }

  private next(): void {
    if (this.finished) return;
    if (++this.attempt > this.maxRetries) return this.giveUp();
    const id = tryAcquire(this.table, this.ids, this.tried, this.model);
    if (id === "none") return this.giveUp();
    if (id !== "saturated") return this.send(id);
    this.signal = new ClientSignal();
    admissionQueue()
      .wait(() => {
        const got = tryAcquire(this.table, this.ids, this.tried, this.model);
        return got === "saturated" || got === "none" ? null : got;
      }, this.signal, callerKey(this.input.rec))
      .then(
        (got) => {
          try {
            this.send(got);
          } catch (err) {
            this.failed(err);
          }
        },
        (err: unknown) => {
          const reason = err instanceof QueueRejection ? err.reason : "timeout";
          if (reason === "aborted") return this.finish(null);
          if (reason === "full") return this.finish({ status: 429, message: "Too many queued requests.", type: "rate_limit_error", code: "queue_full", headers: { "retry-after": "1" } });
          this.finish({ status: 503, message: "Timed out waiting for a free endpoint.", type: "server_error", code: "queue_timeout", headers: { "retry-after": "5" } });
        },
      );
  }

  private send(id: string): void {
    if (this.clientGone) {
      this.release(id);
      return this.finish(null);
    }
    const ep = this.table.endpoints.get(id);
    if (!ep) {
      // deleted while the request waited in the queue
      this.release(id);
      return this.next();
    }
    const { rec, payload } = this.input;
    this.tried.push(id);
    rec.retries = this.attempt;
    rec.endpoint = ep;
    const headers = this.input.forward.concat("x-request-id", rec.requestId, "content-length", String(payload.length), "accept-encoding", "identity", VIA_HEADER, this.input.via);
    if (ep.apiKey) headers.push("authorization", `Bearer ${ep.apiKey}`);
    const attempt = new Attempt(this, ep);
    this.current = attempt;
    poolFor(ep.origin).dispatch({ path: ep.basePath + rec.route, method: "POST", headers, body: payload, headersTimeout: ep.timeoutMs, bodyTimeout: ep.timeoutMs }, attempt);
  }

  private release(id: string): void {
    this.table.release(id);
    const queue = admissionQueue();
    if (queue.depth) queue.notify();
  }

  /** An attempt failed before the client saw anything: try the next endpoint. */
  retry(a: Attempt, failure: { kind: "connect" | "timeout"; reason: string } | { kind: "status"; status: number; headers: IncomingHttpHeaders }): void {
    if (a.settled) return;
    a.settled = true;
    this.release(a.ep.id);
    if (this.clientGone) return this.finish(null);
    if (failure.kind === "status") {
      const retryAfter = failure.headers["retry-after"];
      this.lastStatus = { status: failure.status, retryAfter: typeof retryAfter === "string" ? retryAfter : null };
      if (failure.status >= 500) passive(a.ep.id, `HTTP ${failure.status} from a live request`);
    } else {
      this.lastFailure = failure.kind;
      passive(a.ep.id, failure.reason);
    }
    this.next();
  }

  /**
   * undici refused to send the request as built (a header or value it does not accept): the request's fault, not
   * the endpoint's, and another endpoint would refuse it the same way.
   */
  refused(a: Attempt, err: Error): void {
    if (a.settled) return;
    a.settled = true;
    this.release(a.ep.id);
    log.warn("request not forwardable", { requestId: this.input.rec.requestId, error: err.message });
    this.finish({ status: 400, message: `The request cannot be forwarded: ${err.message}.`, type: "invalid_request_error", code: "unforwardable_request" });
  }

  /** An attempt answered the client (or the client left while it did). */
  answered(a: Attempt, out: { status: number; ttftMs: number | null; usage: Usage | null; estimatedTokens: number; broken: boolean }): void {
    if (a.settled) return;
    a.settled = true;
    this.release(a.ep.id);
    const { rec } = this.input;
    rec.status = out.status;
    rec.ttftMs = out.ttftMs;
    rec.usage = out.usage ?? (out.estimatedTokens ? { promptTokens: null, completionTokens: out.estimatedTokens, estimated: true } : null);
    if (out.broken) {
      rec.errorCode = "upstream_stream_error";
      passive(a.ep.id, "the upstream failed mid-stream");
    } else if (this.clientGone) rec.errorCode = "client_disconnected";
    const ok = out.status < 400 && !out.broken && !this.clientGone;
    const tps = accountant(getDb).record({ endpointId: a.ep.id, model: this.model, ok, completionTokens: rec.usage?.completionTokens ?? 0, generationMs: performance.now() - a.sentAt });
    if (tps !== null) this.table.setTps(a.ep.id, this.model, tps);
    this.finish(null);
  }

  /** A bug in the relay: never leave the client hanging. */
  crash(a: Attempt, err: unknown): void {
    if (a.settled) return logProxyFailure(this.input.rec.requestId, err);
    a.settled = true;
    a.controller?.abort(err instanceof Error ? err : new Error(String(err)));
    this.release(a.ep.id);
    if (this.input.res.headersSent) this.input.res.destroy();
    this.failed(err);
  }

  /** A bug outside an attempt's callbacks (or in one, once it is settled): the client gets a 500. */
  private failed(err: unknown): void {
    logProxyFailure(this.input.rec.requestId, err);
    this.finish(INTERNAL_ERROR);
  }

  private giveUp(): void {
    const last = this.lastStatus;
    if (last && last.status < 400) {
      const message = `Every endpoint serving '${this.model}' answered with a redirect (last: HTTP ${last.status}), which is not followed.`;
      return this.finish({ status: 502, message, type: "server_error", code: "upstream_redirect" });
    }
    if (last) {
      const message = `Every endpoint serving '${this.model}' failed (last: HTTP ${last.status}).`;
      return this.finish({ status: last.status, message, type: last.status === 429 ? "rate_limit_error" : "server_error", code: last.status === 429 ? "rate_limited" : "upstream_error", headers: last.retryAfter ? { "retry-after": last.retryAfter } : undefined });
    }
    this.finish(
      this.lastFailure === "timeout"
        ? { status: 504, message: "The upstream endpoint timed out.", type: "server_error", code: "upstream_timeout" }
        : { status: 502, message: "No endpoint could be reached.", type: "server_error", code: "upstream_unreachable", headers: { "retry-after": "5" } },
    );
  }

  private finish(error: ProxyError | null): void {
    if (this.finished) return;
    this.finished = true;
    this.current = null;
    if (!error && this.clientGone && !this.input.rec.errorCode) this.input.rec.errorCode = "client_disconnected";
    this.done(error);
  }
}
