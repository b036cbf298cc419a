// A relayed stream's chunks written to the client's socket as HTTP/1.1 chunks of our own framing: one buffer and one
// socket write a chunk. `ServerResponse.write` frames a chunk as four writes (size, CRLF, bytes, CRLF) behind a cork
// released on the next tick; at 25,000 frames a second that is ~2 µs a frame of the /v1 thread's time
// (docs/benchmarks.md). The response still starts and ends through node:http (headers, the last chunk, keep-alive).
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";

const CR = 13;
const LF = 10;

/** `data` as one HTTP/1.1 chunk: its size in hex, CRLF, the bytes, CRLF. */
export function chunkFrame(data: Buffer): Buffer {
  const size = data.length.toString(16);
  const frame = Buffer.allocUnsafe(size.length + data.length + 4);
  let at = frame.write(size, 0, "latin1");
  frame[at++] = CR;
  frame[at++] = LF;
  at += data.copy(frame, at);
  frame[at++] = CR;
  frame[at] = LF;
  return frame;
}

/**
 * The socket a response's next chunks may be written to directly, or null when they must go through `res`. Asked
 * right after `res` wrote (so its headers and everything it held have left), of a response not ended (the writer
 * checks): the response must be chunked, and be its connection's current one (a response waiting behind a
 * pipelined one has no socket yet, and what it writes is held until its turn).
 */
export function directSocket(res: ServerResponse): Socket | null {
  return res.chunkedEncoding && res.socket ? (res.socket as Socket) : null;
}
