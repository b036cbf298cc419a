import type { IncomingMessage } from "node:http";

export const MAX_BODY_BYTES = 20 * 1024 * 1024;

export class BodyTooLarge extends Error {}
/** The client did not finish sending its body within LLMLB_BODY_TIMEOUT_SECS. */
export class BodyTimeout extends Error {}

const DISCARD_LIMIT = 4 * MAX_BODY_BYTES;

/** What listens for a request's errors once its body is read: one function for every request. */
const ignore = () => undefined;

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
  // the listeners go when settled, and with them this closure (the chunks, the timer, `done`): the request outlives
  // its body by as long as the answer streams (a shared no-op takes the error listener's place: an error after the
  // body is not unhandled)
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const settle = (err: Error | null, body: Buffer | null) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    req.off("data", onData).off("end", onEnd).off("close", onClose).off("error", onError).on("error", ignore);
    done(err, body);
  };
  const onData = (c: Buffer) => {
    size += c.length;
    if (size <= limit) chunks.push(c);
    else if (chunks.length) chunks.length = 0;
    if (size > DISCARD_LIMIT) req.destroy();
  };
  const onEnd = () =>
    settle(
      size > limit ? new BodyTooLarge() : null,
      size > limit ? null : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size),
    );
  const onClose = () => clearTimeout(timer);
  const onError = (err: Error) => settle(err, null);
  const timer = setTimeout(() => settle(new BodyTimeout(), null), deadlineMs).unref();
  req.on("data", onData);
  req.on("end", onEnd);
  req.on("error", onError);
  req.on("close", onClose);
}
