// One try of an /v1 request against one endpoint: the undici dispatch handler that Exchange (./exchange.ts) creates
// per attempt, relaying a whole answer or a stream to the client, or reporting why to try the next endpoint.
import "server-only";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import type { Exchange } from "./exchange";
import { clientResponseHeaders } from "./headers";
import { inspectBuffered, isEventStream, STREAM_ERROR_EVENT } from "./relay";
import type { RouteEndpoint } from "./routing-table";
import { SseRelay } from "./sse";
import { SseWriter } from "./sse-writer";
import { estimateTokens } from "./usage";

export const CLIENT_GONE = new Error("client went away");

/** What an attempt is doing with the upstream's answer. */
const Mode = {
  Waiting: 0,
  /** 429 or 5xx: read to the end, then fail over */
  Failed: 1,
  /** a whole answer, read before anything reaches the client so a bad one can still fail over */
  Buffered: 2,
  Stream: 3,
} as const;

/** One try against one endpoint: undici's handler for it. */
export class Attempt implements Dispatcher.DispatchHandler {
  controller: Dispatcher.DispatchController | null = null;
  readonly res: ServerResponse;
  readonly sentAt = performance.now();
  private mode: (typeof Mode)[keyof typeof Mode] = Mode.Waiting;
  /** retry, answered or crash has been called: later callbacks (an abort's error) change nothing */
  settled = false;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private chunks: Buffer[] = [];
  private sse: SseRelay | null = null;
  private writer: SseWriter | null = null;

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

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode;
    this.headers = headers;
    if (statusCode === 429 || statusCode >= 500) this.mode = Mode.Failed;
    else if (isEventStream(headers)) this.startStream();
    else this.mode = Mode.Buffered;
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.mode === Mode.Buffered) this.chunks.push(chunk);
    else if (this.mode === Mode.Stream) {
      try {
        if (!this.ex.clientGone) this.writer!.push(chunk);
      } catch (err) {
        this.ex.crash(this, err);
      }
    }
  }

  onResponseEnd(): void {
    try {
      if (this.mode === Mode.Failed) return this.ex.retry(this, { kind: "status", status: this.status, headers: this.headers });
      if (this.mode === Mode.Stream) return this.endStream(false);
      this.endBuffered();
    } catch (err) {
      this.ex.crash(this, err);
    }
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    try {
      if (this.mode === Mode.Stream) return this.endStream(!this.ex.clientGone);
      if (this.mode === Mode.Failed) return this.ex.retry(this, { kind: "status", status: this.status, headers: this.headers });
      if (this.mode === Mode.Buffered) return this.ex.retry(this, { kind: "connect", reason: "failed while sending its answer" });
      const code = (err as Error & { code?: string }).code;
      if (code === "UND_ERR_HEADERS_TIMEOUT") return this.ex.retry(this, { kind: "timeout", reason: "timed out waiting for the upstream" });
      this.ex.retry(this, { kind: "connect", reason: `${err.name}: ${code ?? err.message}` });
    } catch (e) {
      this.ex.crash(this, e);
    }
  }

  private endBuffered(): void {
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks = [];
    const seen = inspectBuffered(this.status, String(this.headers["content-type"] ?? ""), body);
    if (!seen.valid) return this.ex.retry(this, { kind: "connect", reason: "answered 2xx with something that is not JSON" });
    const { rec } = this.ex.input;
    const headers = clientResponseHeaders(this.headers, rec.requestId, this.ep.id, this.ep.nameHeader);
    headers.push("content-length", String(body.length));
    this.res.writeHead(this.status, headers);
    this.res.end(body);
    this.ex.answered(this, { status: this.status, ttftMs: performance.now() - rec.started, usage: seen.usage, estimatedTokens: estimateTokens(seen.generatedChars), broken: false });
  }

  private startStream(): void {
    this.mode = Mode.Stream;
    this.sse = new SseRelay(this.ex.input.dropUsageChunk);
    const headers = clientResponseHeaders(this.headers, this.ex.input.rec.requestId, this.ep.id, this.ep.nameHeader);
    headers.push("cache-control", "no-cache", "x-accel-buffering", "no");
    this.res.writeHead(this.status, headers);
    this.writer = new SseWriter(
      this.res,
      this.sse,
      () => this.controller?.pause(),
      () => this.controller?.resume(),
    );
  }

  private endStream(broken: boolean): void {
    const sse = this.sse!;
    const writer = this.writer!;
    if (!this.ex.clientGone) writer.end(broken ? STREAM_ERROR_EVENT("the upstream endpoint failed mid-stream") : "");
    const ttftMs = writer.firstWriteAt === null ? null : writer.firstWriteAt - this.ex.input.rec.started;
    this.ex.answered(this, { status: this.status, ttftMs, usage: sse.usage, estimatedTokens: sse.events, broken });
  }
}
