// One try of an /v1 request against one endpoint: the undici dispatch handler that Exchange (./exchange.ts) creates
// per attempt, relaying a whole answer or a stream to the client, or reporting why to try the next endpoint.
import "server-only";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import type { Exchange } from "./exchange";
import { clientResponseHeaders, settledHead } from "./headers";
import { type BodyDecoder, createDecoder, encodingOf } from "./decode";
import {
  MAX_INSPECTED_BODY,
  USAGE_TAIL_BYTES,
  inspectBuffered,
  isEventStream,
  startsLikeJson,
  usageIn,
  STREAM_ERROR_EVENT,
} from "./relay";
import type { RouteEndpoint } from "./routing-table";
import { SseRelay } from "./sse";
import { SseWriter, type EventTransform, type UpstreamFlow } from "./sse-writer";
import { estimateTokens } from "./usage";
import { StreamTrace } from "./stream-trace";
import type { ProxyError } from "./errors";

export const CLIENT_GONE = new Error("client went away");
const NOT_JSON = "answered 2xx with something that is not JSON";
const NO_HEADERS: IncomingHttpHeaders = Object.freeze({});

/** undici's refusals of a request before it is sent: the request's fault (or ours), never the endpoint's. */
const UNSENDABLE = new Set(["UND_ERR_INVALID_ARG", "UND_ERR_NOT_SUPPORTED"]);

/** The most of a whole answer held to be translated (a translation needs all of it; none is passed on uninspected). */
export const MAX_TRANSLATED_BODY = 8 * MAX_INSPECTED_BODY;

/** The client speaks another API than the upstream: how an answer reaches it (see ./anthropic/messages.ts). */
export interface AnswerTranslation {
  /** a whole answer's body for the client, or null when a 2xx one cannot be read as an answer */
  body(status: number, body: Buffer): Buffer | null;
  /** the stage an event stream passes through */
  stream(): EventTransform;
  /** the keep-alive event of this API (./keep-alive.ts) */
  readonly keepAlive: Buffer;
  /** an error delivered after the response was committed, as this API's SSE error event */
  errorEvent(e: ProxyError): Buffer;
}

/** What an attempt is doing with the upstream's answer. */
const Mode = {
  Waiting: 0,
  /** 3xx, 429 or 5xx, or an encoding that cannot be read: read to the end, then fail over */
  Failed: 1,
  /** a whole answer, read before anything reaches the client so a bad one can still fail over */
  Buffered: 2,
  Stream: 3,
  /** a whole answer larger than MAX_INSPECTED_BODY: its start checked, the rest passed on as it comes */
  Passing: 4,
} as const;

/** One try against one endpoint: undici's handler for it. */
export class Attempt implements Dispatcher.DispatchHandler, UpstreamFlow {
  controller: Dispatcher.DispatchController | null = null;
  readonly res: ServerResponse;
  readonly sentAt = performance.now();
  private mode: (typeof Mode)[keyof typeof Mode] = Mode.Waiting;
  /** retry, answered, refused or crash has been called: later callbacks (an abort's error) change nothing */
  settled = false;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  /** Buffered: the answer so far; Passing: its last pieces, for the usage */
  private chunks: Buffer[] = [];
  private bytes = 0;
  private failure: string | null = null;
  private encoding: "gzip" | "deflate" | "br" | null = null;
  private decoder: BodyDecoder | null = null;
  private answeredAt = 0;
  private sse: SseRelay | null = null;
  private writer: SseWriter | null = null;
  /** Stream: what the client got so far, read as it goes, only while the request can be resumed (./resume.ts) */
  private kept: StreamTrace | null = null;
  /** no byte within the timeout (undici's header or body timeout): a stall, toward a wedged engine */
  stalled = false;

  constructor(
    private readonly ex: Exchange,
    readonly ep: RouteEndpoint,
  ) {
    this.res = ex.input.res;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.ex.clientGone) controller.abort(CLIENT_GONE);
  }

  onResponseStart(c: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // undici's controller keeps the raw header list, views of the socket read that brought it (pinning that read's
    // memory) for as long as the answer lasts; `headers` has it all
    (c as { rawHeaders?: unknown }).rawHeaders = null;
    this.status = statusCode;
    this.headers = headers;
    // a redirect is never passed on: the client would follow it to the upstream, with no key, past the balancer
    if (statusCode === 429 || statusCode >= 500 || (statusCode >= 300 && statusCode < 400))
      return void (this.mode = Mode.Failed);
    const encoding = encodingOf(headers["content-encoding"]);
    if (encoding === null) {
      this.failure = `answered in an encoding the load balancer cannot read (${String(headers["content-encoding"])})`;
      return void (this.mode = Mode.Failed);
    }
    if (encoding !== "identity") this.encoding = encoding;
    if (isEventStream(headers)) this.startStream();
    else this.mode = Mode.Buffered;
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.mode === Mode.Failed || this.settled) return;
    if (this.encoding) return this.decode(chunk);
    this.take(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    if (this.decoder) return void this.decoder.end();
    this.complete();
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    if (this.settled) return;
    this.decoder?.destroy();
    try {
      const code = (err as Error & { code?: string }).code;
      this.stalled = code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT";
      if (this.mode === Mode.Waiting && code !== undefined && UNSENDABLE.has(code))
        return this.ex.attemptFailed(this, { kind: "unsendable", reason: err.message });
      this.broke(code === "UND_ERR_HEADERS_TIMEOUT" ? null : `${err.name}: ${code ?? err.message}`);
    } catch (e) {
      this.ex.crash(this, e);
    }
  }

  /** The answer ended (decoded to its end, when it was compressed). */
  private complete(): void {
    try {
      if (this.mode === Mode.Failed) return this.failOver();
      if (this.mode === Mode.Stream) return this.endStream(false);
      if (this.mode === Mode.Passing) return this.endPassing(false);
      this.endBuffered();
    } catch (err) {
      this.ex.crash(this, err);
    }
  }

  /** The upstream failed before the answer ended (`reason` null: it timed out before its headers). */
  private broke(reason: string | null): void {
    if (this.mode === Mode.Stream) return this.endStream(!this.ex.clientGone);
    if (this.mode === Mode.Passing) return this.endPassing(!this.ex.clientGone);
    if (this.mode === Mode.Failed) return this.failOver();
    if (this.mode === Mode.Buffered)
      return this.ex.attemptFailed(this, { kind: "unreadable", reason: "failed while sending its answer" });
    this.ex.attemptFailed(this, reason === null ? { kind: "timeout" } : { kind: "connect", reason });
  }

  private failOver(): void {
    if (this.failure) return this.ex.attemptFailed(this, { kind: "unreadable", reason: this.failure });
    const retryAfter = this.headers["retry-after"];
    this.ex.attemptFailed(this, {
      kind: "status",
      status: this.status,
      retryAfter: typeof retryAfter === "string" ? retryAfter : null,
    });
  }

  /** A piece of the answer as the client gets it (decoded). */
  private take(chunk: Buffer): void {
    if (this.settled) return;
    try {
      if (this.mode === Mode.Stream) {
        if (this.kept && !this.kept.push(chunk)) this.kept = null; // too long to continue: resume is off
        if (!this.ex.clientGone) this.writer!.push(chunk);
      } else if (this.mode === Mode.Buffered) {
        this.chunks.push(chunk);
        this.bytes += chunk.length;
        if (this.bytes > MAX_INSPECTED_BODY) this.tooLargeToHold();
      } else if (this.mode === Mode.Passing) this.pass(chunk);
    } catch (err) {
      this.ex.crash(this, err);
    }
  }

  private decode(chunk: Buffer): void {
    if (!this.decoder) {
      const d = (this.decoder = createDecoder(this.encoding!, chunk[0]));
      d.on("data", (c: Buffer) => this.take(c));
      d.once("end", () => this.settled || this.complete());
      d.once("error", () => this.settled || this.broke(`its ${this.encoding} answer could not be decoded`));
    }
    if (!this.decoder.write(chunk)) {
      this.controller?.pause();
      this.decoder.once("drain", () => this.controller?.resume());
    }
  }

  private endBuffered(): void {
    const raw = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.bytes);
    this.chunks = [];
    const seen = inspectBuffered(this.status, String(this.headers["content-type"] ?? ""), raw);
    const body = seen.valid && this.ex.input.translation ? this.ex.input.translation.body(this.status, raw) : raw;
    if (!seen.valid || !body) return this.ex.attemptFailed(this, { kind: "unreadable", reason: NOT_JSON });
    if (this.res.headersSent) this.ex.afterCommit(this.status, body);
    else {
      const headers = this.responseHeaders();
      headers.push("content-length", String(body.length));
      this.res.writeHead(this.status, headers);
      this.res.end(body);
    }
    this.ex.answered(this, {
      status: this.status,
      ttftMs: performance.now() - this.ex.input.rec.started,
      usage: seen.usage,
      estimatedTokens: estimateTokens(seen.generatedChars),
      broken: false,
    });
  }

  /** The answer outgrew what is held for inspection: passed on as it comes, or (translated) held up to its own limit. */
  private tooLargeToHold(): void {
    if (!this.ex.input.translation) return this.startPassing();
    if (this.bytes > MAX_TRANSLATED_BODY) this.refuse("answered more than can be held to translate");
  }

  /** The answer is no answer: the next endpoint is tried, and this one's answer is no longer read. */
  private refuse(reason: string): void {
    this.ex.attemptFailed(this, { kind: "unreadable", reason });
    this.decoder?.destroy();
    this.controller?.abort(new Error(reason));
  }

  /** The answer is larger than what is held for inspection: check its start, then pass it on as it comes. */
  private startPassing(): void {
    const head = Buffer.concat(this.chunks, this.bytes);
    this.chunks = [];
    this.bytes = 0;
    if (this.status < 300 && !startsLikeJson(String(this.headers["content-type"] ?? ""), head))
      return this.refuse(NOT_JSON);
    // a stream's response committed by a keep-alive cannot take a whole answer this large
    if (this.res.headersSent) return this.refuse("answered a whole answer too large to pass on as an event");
    this.mode = Mode.Passing;
    const headers = this.responseHeaders();
    const length = this.headers["content-length"];
    if (!this.encoding && typeof length === "string") headers.push("content-length", length);
    this.res.writeHead(this.status, headers);
    this.answeredAt = performance.now();
    this.pass(head);
  }

  private pass(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.chunks.length > 1 && this.bytes - this.chunks[0].length >= USAGE_TAIL_BYTES)
      this.bytes -= this.chunks.shift()!.length;
    if (this.ex.clientGone || this.res.write(chunk)) return;
    this.controller?.pause();
    this.res.once("drain", () => this.controller?.resume());
  }

  private endPassing(broken: boolean): void {
    // a whole answer cut short must not look complete: the client's connection is cut rather than ended
    if (broken) this.res.destroy();
    else this.res.end();
    const usage = broken ? null : usageIn(Buffer.concat(this.chunks, this.bytes));
    this.chunks = [];
    this.ex.answered(this, {
      status: this.status,
      ttftMs: this.answeredAt - this.ex.input.rec.started,
      usage,
      estimatedTokens: 0,
      broken,
    });
  }

  private responseHeaders(): Array<string | string[]> {
    const headers = clientResponseHeaders(this.headers, this.ex.input.rec.requestId, this.ep.id, this.ep.nameHeader);
    headers.push("x-llmlb-route-reason", this.ex.route.reason);
    return headers;
  }

  private startStream(): void {
    this.mode = Mode.Stream;
    this.sse = new SseRelay(this.ex.input.dropUsageChunk);
    const headers = this.responseHeaders();
    headers.push("cache-control", "no-cache", "x-accel-buffering", "no");
    // committed already when keep-alives went out before this answer
    if (!this.res.headersSent) settledHead(this.res.writeHead(this.status, headers));
    this.headers = NO_HEADERS; // read no more: a stream is never failed over or inspected
    this.writer = new SseWriter(this.res, this.sse, this, this.ex.streamTransform(), this.ex.keepAlive);
    if (this.ex.keepsForResume) this.kept = new StreamTrace();
    this.ex.streaming();
  }

  /** The client reads slower than the upstream writes (SseWriter): the upstream is not read until it drains. */
  pauseUpstream(): void {
    this.controller?.pause();
  }

  resumeUpstream(): void {
    this.controller?.resume();
  }

  private endStream(broken: boolean): void {
    const sse = this.sse!;
    const writer = this.writer!;
    if (broken && this.kept && !this.ex.clientGone && this.ex.resume(this, this.kept.read(), writer)) return;
    this.kept = null;
    if (!this.ex.clientGone)
      writer.end(broken ? STREAM_ERROR_EVENT("the upstream endpoint failed mid-stream") : "", broken);
    const ttftMs = writer.firstWriteAt === null ? null : writer.firstWriteAt - this.ex.input.rec.started;
    this.ex.answered(this, { status: this.status, ttftMs, usage: sse.usage, estimatedTokens: sse.events, broken });
  }
}
