import type { IncomingMessage } from "node:http";

export const MAX_BODY_BYTES = 20 * 1024 * 1024;

export class BodyTooLarge extends Error {}

const DISCARD_LIMIT = 4 * MAX_BODY_BYTES;

/**
 * Reads the request body, refusing past `limit` bytes. An oversized body is read to its end and discarded
 * (up to a bound, past which the socket is dropped) so the client can read the 413 instead of a broken pipe.
 * A callback rather than a promise: this is on the path of every request.
 */
export function readBody(req: IncomingMessage, limit: number, done: (err: Error | null, body: Buffer | null) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (c: Buffer) => {
    size += c.length;
    if (size <= limit) chunks.push(c);
    else if (chunks.length) chunks.length = 0;
    if (size > DISCARD_LIMIT) req.destroy();
  });
  req.on("end", () => (size > limit ? done(new BodyTooLarge(), null) : done(null, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size))));
  req.on("error", (err) => done(err, null));
}
