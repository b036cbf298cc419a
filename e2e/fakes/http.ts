// Low-level response writing for the fake upstreams: JSON, slow bytes, SSE streams, cancellable delays.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import zlib from "node:zlib";
import type { FakeEncoding, FakeFaults } from "./types";
import { statusError, type StreamPlan } from "./wire";

/** The encoding an inference answer goes out in: the fault's, when the request allows it or the fault forces it. */
export function chosenEncoding(req: IncomingMessage, faults: FakeFaults): FakeEncoding | null {
  const want = faults.encoding;
  if (want === null) return null;
  const accepted = String(req.headers["accept-encoding"] ?? "")
    .toLowerCase()
    .split(",")
    .map((t) => t.split(";")[0].trim());
  return faults.forceEncoding || accepted.includes(want) ? want : null;
}

const compressSync = (e: FakeEncoding, b: Buffer) =>
  e === "gzip" ? zlib.gzipSync(b) : e === "deflate" ? zlib.deflateSync(b) : zlib.brotliCompressSync(b);
const compressor = (e: FakeEncoding) =>
  e === "gzip" ? zlib.createGzip() : e === "deflate" ? zlib.createDeflate() : zlib.createBrotliCompress();

/** One request/response pair as the fake sees it. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Path without the query string. */
  readonly path: string;
  readonly query: string;
  body: unknown;
  /** Body size in bytes. */
  size: number;
  /** The fake cut the connection itself (dieAfterChunks), so closing early is not a client abort. */
  killed: boolean;
}

const noop = (): void => {};

const SSE_HEADERS: OutgoingHttpHeaders = { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" };

/** Run `fn` after `ms` (synchronously when `ms` is 0) unless the response closes first. */
export function later(res: ServerResponse, ms: number, fn: () => void): void {
  if (ms <= 0) return fn();
  const cancel = (): void => clearTimeout(timer);
  const timer = setTimeout(() => {
    res.off("close", cancel);
    if (!res.destroyed) fn();
  }, ms);
  res.once("close", cancel);
}

/** Collect the request body, parse it as JSON when possible, then call `done`. */
export function readBody(x: Exchange, done: () => void): void {
  const chunks: Buffer[] = [];
  x.req.on("error", noop);
  x.req.on("data", (chunk: Buffer) => {
    chunks.push(chunk);
    x.size += chunk.length;
  });
  x.req.on("end", () => {
    x.body = parseBody(chunks);
    done();
  });
}

function parseBody(chunks: Buffer[]): unknown {
  if (chunks.length === 0) return undefined;
  const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A complete response with Content-Length; with `gapMs` the body goes out one byte at a time. */
export function sendText(
  res: ServerResponse,
  status: number,
  type: string,
  text: string,
  gapMs: number | null = null,
  extra?: OutgoingHttpHeaders,
  encoding: FakeEncoding | null = null,
): void {
  const bytes = encoding ? compressSync(encoding, Buffer.from(text)) : Buffer.from(text);
  res.writeHead(status, {
    ...extra,
    "Content-Type": type,
    "Content-Length": bytes.length,
    ...(encoding ? { "Content-Encoding": encoding } : {}),
  });
  if (gapMs === null) return void res.end(bytes);
  const step = (i: number): void => {
    if (i >= bytes.length) return void res.end();
    res.write(bytes.subarray(i, i + 1));
    later(res, gapMs, () => step(i + 1));
  };
  step(0);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  gapMs: number | null = null,
  extra?: OutgoingHttpHeaders,
  encoding: FakeEncoding | null = null,
): void {
  sendText(res, status, "application/json", JSON.stringify(body), gapMs, extra, encoding);
}

/** The answer of a fault status: an OpenAI-shaped error; 429 adds `Retry-After: 1`. */
export function sendFault(res: ServerResponse, status: number): void {
  sendJson(res, status, statusError(status), null, status === 429 ? { "Retry-After": "1" } : undefined);
}

/** A frame after the comment stamping when it was written (FakeFaults.stampChunks). */
const stamped = (frame: string) => `: t=${process.hrtime.bigint()}\n\n${frame}`;

/**
 * Write an SSE stream frame by frame (each frame its own write) with `delayMs` between frames.
 * With `dieAfter` set, the socket is cut after that many content frames (at most all of them, never the tail).
 * With `stamp`, each frame goes after a comment holding the time of its write.
 */
export function sendStream(
  x: Exchange,
  plan: StreamPlan,
  delayMs: number,
  dieAfter: number | null,
  encoding: FakeEncoding | null = null,
  stamp = false,
): void {
  const frames = [...plan.head, ...plan.content, ...plan.tail];
  const dieAt = dieAfter === null ? -1 : plan.head.length + Math.min(Math.max(0, dieAfter), plan.content.length);
  x.res.writeHead(200, encoding ? { ...SSE_HEADERS, "Content-Encoding": encoding } : SSE_HEADERS);
  // compressed: each frame is flushed through the compressor, so it leaves as its own piece, as a server's would
  const z = encoding ? compressor(encoding) : null;
  z?.on("data", (c: Buffer) => x.res.write(c));
  const run = (from: number): void => {
    for (let i = from; ; i++) {
      if (i === frames.length) {
        if (!z) return void x.res.end();
        z.once("end", () => x.res.end());
        return void z.end();
      }
      if (i > from && delayMs > 0) return later(x.res, delayMs, () => run(i));
      if (i === dieAt) return kill(x);
      if (!z) {
        x.res.write(stamp ? stamped(frames[i]) : frames[i]);
        continue;
      }
      z.write(stamp ? stamped(frames[i]) : frames[i]);
      return z.flush(() => (delayMs > 0 ? later(x.res, delayMs, () => run(i + 1)) : run(i + 1)));
    }
  };
  run(0);
}

/** Cut the connection mid-response: flush what was written, then close the socket. */
function kill(x: Exchange): void {
  const socket = x.res.socket;
  x.killed = true;
  x.res.flushHeaders();
  if (!socket) return void x.res.destroy();
  socket.end(() => socket.destroy());
}
