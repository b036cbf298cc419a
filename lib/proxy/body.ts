import type { IncomingMessage } from "node:http";

export const MAX_BODY_BYTES = 20 * 1024 * 1024;

export class BodyTooLarge extends Error {}
/** The client did not finish sending its body within LLMLB_BODY_TIMEOUT_SECS. */
export class BodyTimeout extends Error {}

const DISCARD_LIMIT = 4 * MAX_BODY_BYTES;

type Done = (err: Error | null, body: Buffer | null) => void;

/**
 * Collects a request body of at most `limit` bytes, which must arrive within `deadlineMs` of the call. An
 * oversized body is read to its end and discarded (up to a bound, past which the socket is dropped) so the client
 * can read the refusal instead of a broken pipe. A body still incomplete at the deadline is `BodyTimeout`: without
 * one, a client that announces a body and never sends it holds the request (and whatever it holds) for the 300 s
 * of Node's own request timeout. `done` is called at most once. A callback rather than a promise: this is on the
 * path of every request.
 */
export function collectBody(req: IncomingMessage, limit: number, deadlineMs: number, done: Done): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const settle = (err: Error | null, body: Buffer | null) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    done(err, body);
  };
  const timer = setTimeout(() => settle(new BodyTimeout(), null), deadlineMs).unref();
  req.on("data", (c: Buffer) => {
    if (settled) return;
    size += c.length;
    if (size <= limit) chunks.push(c);
    else if (chunks.length) chunks.length = 0;
    if (size > DISCARD_LIMIT) req.destroy();
  });
  req.on("end", () =>
    settle(
      size > limit ? new BodyTooLarge() : null,
      size > limit ? null : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size),
    ),
  );
  req.on("error", (err) => settle(err, null));
  req.on("close", () => clearTimeout(timer));
}
