import "server-only";
import type { ServerResponse } from "node:http";
import { VIA_HEADER } from "../cluster/via";
import { log } from "../observability/logger";
import { Attempt, CLIENT_GONE, type AnswerTranslation } from "./attempt";
import { ClientSignal } from "./client-signal";
import type { DataPlane } from "./data-plane";
import { INTERNAL_ERROR, v1Error, type ProxyError } from "./errors";
import { finalError, judge, type Failure } from "./failover";
import { QueueRejection } from "./queue";
import type { RequestRecord } from "./record";
import type { RouteEndpoint } from "./routing-table";
import type { RouteReason } from "./route-choice";
import type { Usage } from "./usage";
import { attemptTimeouts } from "./timeouts";
import { KeepAlive, SSE_COMMENT } from "./keep-alive";
import { planResume, type Resumed } from "./resume-plan";
import type { StreamSoFar } from "./resume";
import type { EventTransform, SseWriter } from "./sse-writer";
import { STREAM_ERROR_EVENT, errorEvent, upstreamMessage } from "./relay";
import { callerKey, tryAcquire } from "./acquire";

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
  /** the path sent upstream after the endpoint's base path: the client's route, or the one a translation targets */
  upstreamRoute: string;
  /** the body for an endpoint type that refuses a field `payload` has; null: `payload` for every endpoint */
  payloadFor: ((ep: RouteEndpoint) => Buffer) | null;
  /** the client speaks another API than the upstream: how the answer is translated (null: passed on as it is) */
  translation: AnswerTranslation | null;
  /** a broken stream may continue on another endpoint (./resume.ts): the relayed bytes are kept while this holds */
  resumable: boolean;
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

const NO_TOKENS = { promptTokens: 0, maxTokens: 0 } as const;

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
  /** `stream: true`: keep-alives in the client's silences (./keep-alive.ts), null when off */
  keepAlive: KeepAlive | null = null;
  /** the stream broke and continues on another endpoint (./resume-plan.ts); null before, and when it never did */
  private resumed: Resumed | null = null;
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
    const { rec, translation } = this.input;
    const ms = this.plane.config.keepAliveMs;
    if (rec.stream && ms > 0)
      this.keepAlive = new KeepAlive(this.input.res, ms, translation?.keepAlive ?? SSE_COMMENT, rec.requestId);
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
    if (id === "too-long" && !this.attempt)
      return this.finish(
        v1Error("context_length_exceeded", {
          model: this.model,
          reason: String(this.input.tokens.promptTokens + this.input.tokens.maxTokens),
        }),
      );
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
    const { rec } = this.input;
    this.plane.fleet.routed(this.route.reason, this.route.cold);
    this.tried.push(id);
    rec.tried = this.tried;
    rec.retries = this.attempt;
    rec.endpoint = ep;
    this.dispatch(ep, this.input.payloadFor?.(ep) ?? this.input.payload);
  }

  private dispatch(ep: RouteEndpoint, payload: Buffer): void {
    const { rec } = this.input;
    const id = ep.id;
    const headers = this.input.forward.slice();
    headers.push(
      "x-request-id",
      rec.requestId,
      "content-length",
      String(payload.length),
      "accept-encoding",
      "identity",
      VIA_HEADER,
      this.input.via,
    );
    if (ep.apiKey) headers.push("authorization", `Bearer ${ep.apiKey}`);
    const attempt = new Attempt(this, ep);
    this.current = attempt;
    const timeouts = attemptTimeouts(ep, this.plane.fleet.loaded(id, this.model));
    this.plane.pools.for(ep.origin).dispatch(
      {
        path: ep.basePath + this.input.upstreamRoute,
        method: "POST",
        headers,
        body: payload,
        headersTimeout: timeouts.headersTimeout,
        bodyTimeout: timeouts.bodyTimeout,
      },
      attempt,
    );
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
    if (verdict.blame) this.blame(a, verdict.blame);
    if (verdict.blame || (failure.kind === "status" && failure.status === 429))
      this.plane.fleet.failed(a.ep.id, this.model);
    if (this.resumed) return this.continuationFailed();
    this.failures.push(failure);
    if (!verdict.retry) {
      log.warn("request not forwardable", { requestId: this.input.rec.requestId, failure });
      return this.finish(finalError(this.failures, this.model));
    }
    this.next();
  }

  /** The passive health signal: the endpoint failed live traffic, or stalled it (no byte within its timeout). */
  private blame(a: Attempt, reason: string): void {
    this.plane.write(
      a.stalled
        ? { t: "endpoint-stalled", endpointId: a.ep.id, reason, at: Date.now() }
        : { t: "endpoint-failed", endpointId: a.ep.id, reason },
    );
  }

  /** An attempt answered the client (or the client left while it did). */
  answered(a: Attempt, out: Answer): void {
    if (a.settled) return;
    a.settled = true;
    this.release(a.ep.id);
    const { rec } = this.input;
    rec.status = out.status;
    rec.ttftMs = this.resumed ? this.resumed.ttftMs : out.ttftMs;
    rec.usage =
      out.usage ??
      (out.estimatedTokens ? { promptTokens: null, completionTokens: out.estimatedTokens, estimated: true } : null);
    if (this.resumed)
      rec.usage = {
        promptTokens: rec.usage?.promptTokens ?? null,
        completionTokens: this.resumed.tokens + (rec.usage?.completionTokens ?? 0),
        estimated: rec.usage?.estimated ?? true,
      };
    if (out.broken) {
      rec.errorCode = "upstream_stream_error";
      this.blame(a, "the upstream failed mid-stream");
    } else if (this.clientGone) rec.errorCode = "client_disconnected";
    const ok = out.status < 400 && !out.broken && !this.clientGone;
    if (ok) this.plane.fleet.answered(a.ep.id, this.model, out.ttftMs, this.route.cold);
    const tokens = rec.usage?.completionTokens ?? 0;
    const generationMs = performance.now() - a.sentAt;
    const tpsEma = ok
      ? this.plane.table.observeGeneration(a.ep.id, this.model, tokens, generationMs)
      : this.plane.table.tpsOf(a.ep.id, this.model);
    this.plane.stats.record({
      endpointId: a.ep.id,
      model: this.model,
      ok,
      completionTokens: tokens,
      generationMs,
      tpsEma,
    });
    this.finish(null);
  }

  /** The transform a stream's events pass through: the continuation's splice after a resume, else the translation's. */
  streamTransform(): EventTransform | null {
    return this.resumed?.splice ?? this.input.translation?.stream() ?? null;
  }

  /**
   * An answer is streaming to the client: no endpoint is chosen by the routing rules any more (a resume picks its
   * own), so the token estimate, which holds the parsed request body, is let go: a stream of a long prompt holds
   * the prompt once (the payload, for a resume), not twice, for as long as it lasts.
   */
  streaming(): void {
    this.input.tokens = NO_TOKENS;
  }

  /**
   * Whether a stream attempt reads what it relays for a resume: one resume per request, and only when another
   * endpoint could continue it (a resume picks among the request's other endpoints).
   */
  get keepsForResume(): boolean {
    return this.input.resumable && !this.resumed && this.ids.length > 1;
  }

  /**
   * The stream of `a` broke after `soFar` reached the client: continues it on another endpoint when ./resume.ts
   * allows (true), else false and the stream ends with its error event as before.
   */
  resume(a: Attempt, soFar: StreamSoFar, writer: SseWriter): boolean {
    const plan = planResume(this.plane, this.input, this.ids, a.ep.id, soFar, writer.firstWriteAt);
    if (!plan) return false;
    writer.detach();
    a.settled = true;
    this.release(a.ep.id);
    this.blame(a, "the upstream failed mid-stream");
    this.plane.stats.record({
      endpointId: a.ep.id,
      model: this.model,
      ok: false,
      completionTokens: plan.resumed.tokens,
      generationMs: performance.now() - a.sentAt,
      tpsEma: this.plane.table.tpsOf(a.ep.id, this.model),
    });
    this.resumed = plan.resumed;
    this.input.rec.resumedBy = plan.ep;
    this.dispatch(plan.ep, plan.payload);
    return true;
  }

  /** The continuation never answered: the stream ends with its error event, as it would have without a resume. */
  private continuationFailed(): void {
    const { rec, res } = this.input;
    rec.status = 200;
    rec.errorCode = "upstream_stream_error";
    rec.ttftMs = this.resumed!.ttftMs;
    rec.usage = { promptTokens: null, completionTokens: this.resumed!.tokens, estimated: true };
    res.end(STREAM_ERROR_EVENT("the upstream endpoint failed mid-stream"));
    this.finish(null);
  }

  /**
   * A whole answer arrived after keep-alives committed the response as an event stream: an error answer becomes
   * the API's error event, anything else one data event. Never `[DONE]` after an error.
   */
  afterCommit(status: number, body: Buffer): void {
    const res = this.input.res;
    if (status >= 400) {
      this.input.rec.errorCode = "upstream_error";
      const error = {
        ...v1Error("upstream_error", { model: this.model, status }),
        message: upstreamMessage(body) ?? `The upstream endpoint answered HTTP ${status}.`,
      };
      res.end(errorEvent(this.input.translation, error));
    } else res.end(Buffer.concat([Buffer.from("data: "), body, Buffer.from("\n\n")]));
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
    this.keepAlive?.stop();
    if (!error && this.clientGone && !this.input.rec.errorCode) this.input.rec.errorCode = "client_disconnected";
    this.done(error);
  }
}
