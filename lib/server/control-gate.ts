import type { IncomingMessage, ServerResponse } from "node:http";
import { env } from "../env";
import { API_BODY_LIMIT, ApiError, bodyTooLarge } from "../errors";
import { BodyTimeout, BodyTooLarge, collectBody } from "../proxy/body";
import { ClientQueue } from "./client-queue";

/** How many requests of one client may wait for its turn, per place it has in flight. */
const WAITING_PER_IN_FLIGHT = 4;

/** Hands a request, with its whole body, to the control thread. */
export type ForwardWithBody = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/**
 * The main thread's guard in front of the control thread (dashboard and /api). The control thread is reached
 * through a pool of sockets, and a forwarded request holds one from dispatch to its last response byte; when 64
 * half-sent bodies held them all, nothing else reached Next, `/api/health` included, for the 300 s of Node's
 * request timeout. So:
 * - a request is dispatched only once its whole body is here (at most 1 MiB, the most any route accepts, else
 *   400; within LLMLB_BODY_TIMEOUT_SECS, else 408 and the connection closed). A slow sender costs this thread a
 *   socket and a small buffer, never a place in the pool;
 * - one client (address) has at most LLMLB_CONTROL_MAX_PER_CLIENT requests at the control thread; up to four
 *   times as many more wait for one of them to finish (their bodies are here already), past that → 429.
 */
export function controlGate(forward: ForwardWithBody) {
  const config = env();
  const queue = new ClientQueue(
    config.LLMLB_CONTROL_MAX_PER_CLIENT,
    WAITING_PER_IN_FLIGHT * config.LLMLB_CONTROL_MAX_PER_CLIENT,
  );
  const secs = config.LLMLB_BODY_TIMEOUT_SECS;
  return (req: IncomingMessage, res: ServerResponse): void => {
    collectBody(req, API_BODY_LIMIT, secs * 1000, (err, body) => {
      if (err instanceof BodyTimeout)
        return sendApiError(
          res,
          new ApiError("request_timeout", `request body not received within ${secs} s`, undefined, {
            connection: "close",
          }),
        );
      if (err instanceof BodyTooLarge) return sendApiError(res, bodyTooLarge());
      if (err || !body) return void res.destroy(); // the client went away while sending
      const client = req.socket.remoteAddress ?? "unknown";
      let gone = false;
      res.once("close", () => (gone = true));
      const admitted = queue.enter(client, () => {
        if (gone) return false; // left while waiting for its turn
        res.once("close", () => queue.leave(client));
        forward(req, res, body);
      });
      if (!admitted) {
        const message = `too many requests from this client (${queue.max} in flight, ${queue.maxWaiting} waiting); retry shortly`;
        sendApiError(res, new ApiError("rate_limited", message, undefined, { "retry-after": "1" }));
      }
    });
  };
}

function sendApiError(res: ServerResponse, err: ApiError): void {
  if (res.headersSent) return;
  const body = JSON.stringify(err.toJSON());
  res.writeHead(err.status, {
    ...err.headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}
