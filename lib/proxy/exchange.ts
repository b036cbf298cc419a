import "server-only";
import type { ServerResponse } from "node:http";
import { VIA_HEADER } from "../cluster/via";
import { log } from "../observability/logger";
import { Attempt, CLIENT_GONE } from "./attempt";
import { ClientSignal } from "./client-signal";
import type { DataPlane } from "./data-plane";
import { INTERNAL_ERROR, v1Error, type ProxyError } from "./errors";
import { finalError, judge, type Failure } from "./failover";
import { QueueRejection } from "./queue";
import type { RequestRecord } from "./record";
import { pickEndpoint, type Candidate } from "./select";
import type { Choice, RouteReason } from "./route-choice";
import type { RouteEndpoint } from "./routing-table";
import type { Usage } from "./usage";

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
  /** estimated prompt tokens and the completion budget asked for (context fit) */
  tokens: { promptTokens: number; maxTokens: number };
}

/** What an attempt that reached the client came to. */
export interface Answer {
  status: number;
  ttftMs: number | null;
  usage: Usage | null;
  estimatedTokens: number;
  /** the upstream failed after the client got the first bytes */
  broken: boolean;
}

export const logProxyFailure = (requestId: string, err: unknown) =>
  log.error("proxy failure", { requestId, error: err instanceof Error ? err.message : String(err) });

/** Whose request this is, for the admission queue's fairness: one API key, or one signed-in user. */
const callerKey = (rec: RequestRecord) => (rec.principal ? `${rec.principal.kind}:${rec.principal.id}` : "");

/** Chooses and reserves an endpoint for the model among those not yet tried: its id, or why not. */
function tryAcquire(ex: Exchange, tried: readonly string[]): string | "saturated" | "none" | "too-long" {
  const { table, fleet } = ex.plane;
  const model = ex.input.rec.model!;
  const eps: RouteEndpoint[] = [];
  for (const id of ex.ids) {
    const ep = table.endpoints.get(id);
    if (table.isRoutable(ep) && !tried.includes(id)) eps.push(ep);
  }
  let pick: Choice;
  if (fleet.policy === "fleet") pick = fleet.choose(eps, model, table, ex.input.tokens);
  else {
    const candidates: Candidate[] = eps.map((ep) => ({ id: ep.id, inflight: fleet.policy === "round-robin" ? 0 : (table.inflight.get(ep.id) ?? 0), maxConcurrency: ep.maxConcurrency, tps: fleet.policy === "round-robin" ? 1 : table.tpsOf(ep.id, model) }));
    const legacy = pickEndpoint(candidates, table.roundRobin(model));
    pick = legacy.kind === "picked" ? { ...legacy, reason: "least-loaded", cold: fleet.loaded(legacy.id, model) === false } : legacy;
  }
  if (pick.kind !== "picked") return pick.kind;
  ex.route = { reason: ex.input.pinned ? "pinned" : pick.reason, cold: pick.cold };
  table.acquire(pick.id);
  return pick.id;
}

/**
 * One inference request through the proxy: picks an endpoint (queueing when all are at max_concurrency),
 * forwards it with undici's dispatch API (no stream objects or promises per request), and fails over by the rules
 * of ./failover.ts as long as nothing reached the client. `done` is called once, with the error to send when no
 * endpoint answered.
 */
export class Exchange {
  readonly ids: readonly string[];
  private readonly model: string;
  /** why the current attempt's endpoint was chosen (X-LLMLB-Route-Reason) and whether its model was cold */
  route: { reason: RouteReason; cold: boolean } = { reason: "least-loaded", cold: false };
  private tried: string[] = [];
  private failures: Failure[] = [];
  private attempt = -1;
  private current: Attempt | null = null;
  private signal: ClientSignal | null = null;
  clientGone = false;
  finished = false;

  constructor(
    readonly plane: DataPlane,
    readonly input: ExchangeInput,
    entryEndpoints: readonly string[],
    private readonly done: (error: ProxyError | null) => void,
  ) {
    this.model = input.rec.model!;
    this.ids = input.pinned ? entryEndpoints.filter((id) => id === input.pinned) : entryEndpoints;
  }

  start(): void {
    if (!this.ids.some((id) => this.plane.table.isRoutable(this.plane.table.endpoints.get(id)))) {
      return this.finish(v1Error("no_endpoint_available", { model: this.model }));
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
    if (++this.attempt > this.plane.config.maxRetries) return this.finish(finalError(this.failures, this.model));
    const id = tryAcquire(this, this.tried);
    if (id === "too-long" && !this.attempt) return this.finish(v1Error("context_length_exceeded", { model: this.model, reason: String(this.input.tokens.promptTokens + this.input.tokens.maxTokens) }));
    if (id === "none" || id === "too-long") return this.finish(finalError(this.failures, this.model));
    if (id !== "saturated") return this.send(id);
    this.signal = new ClientSignal();
    this.plane.queue
      .wait(
        () => {
          const got = tryAcquire(this, this.tried);
          return got === "saturated" || got === "none" || got === "too-long" ? null : got;
        },
        this.signal,
        callerKey(this.input.rec),
      )
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
          this.finish(v1Error(reason === "full" ? "queue_full" : "queue_timeout"));
        },
      );
  }

  private send(id: string): void {
    if (this.clientGone) {
      this.release(id);
      return this.finish(null);
    }
    const ep = this.plane.table.endpoints.get(id);
    if (!ep) {
      // deleted while the request waited in the queue
      this.release(id);
      return this.next();
    }
    const { rec, payload } = this.input;
    this.plane.fleet.routed(this.route.reason, this.route.cold);
    this.tried.push(id);
    rec.retries = this.attempt;
    rec.endpoint = ep;
    const headers = this.input.forward.concat("x-request-id", rec.requestId, "content-length", String(payload.length), "accept-encoding", "identity", VIA_HEADER, this.input.via);
    if (ep.apiKey) headers.push("authorization", `Bearer ${ep.apiKey}`);
    const attempt = new Attempt(this, ep);
    this.current = attempt;
    this.plane.pools.for(ep.origin).dispatch({ path: ep.basePath + rec.route, method: "POST", headers, body: payload, headersTimeout: ep.timeoutMs, bodyTimeout: ep.timeoutMs }, attempt);
  }

  private release(id: string): void {
    this.plane.table.release(id);
    if (this.plane.queue.depth) this.plane.queue.notify();
  }

  /** An attempt failed before the client saw anything: ./failover.ts decides whether the next endpoint is tried. */
  attemptFailed(a: Attempt, failure: Failure): void {
    if (a.settled) return;
    a.settled = true;
    this.release(a.ep.id);
    if (this.clientGone) return this.finish(null);
    const verdict = judge(failure);
    if (verdict.blame) this.plane.write({ t: "endpoint-failed", endpointId: a.ep.id, reason: verdict.blame });
    if (verdict.blame || (failure.kind === "status" && failure.status === 429)) this.plane.fleet.failed(a.ep.id, this.model);
    this.failures.push(failure);
    if (!verdict.retry) {
      log.warn("request not forwardable", { requestId: this.input.rec.requestId, failure });
      return this.finish(finalError(this.failures, this.model));
    }
    this.next();
  }

  /** An attempt answered the client (or the client left while it did). */
  answered(a: Attempt, out: Answer): void {
    if (a.settled) return;
    a.settled = true;
    this.release(a.ep.id);
    const { rec } = this.input;
    rec.status = out.status;
    rec.ttftMs = out.ttftMs;
    rec.usage = out.usage ?? (out.estimatedTokens ? { promptTokens: null, completionTokens: out.estimatedTokens, estimated: true } : null);
    if (out.broken) {
      rec.errorCode = "upstream_stream_error";
      this.plane.write({ t: "endpoint-failed", endpointId: a.ep.id, reason: "the upstream failed mid-stream" });
    } else if (this.clientGone) rec.errorCode = "client_disconnected";
    const ok = out.status < 400 && !out.broken && !this.clientGone;
    if (ok) this.plane.fleet.answered(a.ep.id, this.model, out.ttftMs, this.route.cold);
    const tokens = rec.usage?.completionTokens ?? 0;
    const generationMs = performance.now() - a.sentAt;
    const tpsEma = ok ? this.plane.table.observeGeneration(a.ep.id, this.model, tokens, generationMs) : this.plane.table.tpsOf(a.ep.id, this.model);
    this.plane.stats.record({ endpointId: a.ep.id, model: this.model, ok, completionTokens: tokens, generationMs, tpsEma });
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

  private finish(error: ProxyError | null): void {
    if (this.finished) return;
    this.finished = true;
    this.current = null;
    if (!error && this.clientGone && !this.input.rec.errorCode) this.input.rec.errorCode = "client_disconnected";
    this.done(error);
  }
}
