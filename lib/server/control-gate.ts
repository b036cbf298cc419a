import type { IncomingMessage, ServerResponse } from "node:http";
import { env } from "../env";
import { API_BODY_LIMIT, ApiError, bodyTooLarge } from "../errors";
import { BodyTimeout, BodyTooLarge, collectBody } from "../proxy/body";
import { ClientLimiter } from "./client-limit";

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
 * - one client (address) has at most LLMLB_CONTROL_MAX_PER_CLIENT requests at the control thread; more → 429.
 */
export function controlGate(forward: ForwardWithBody) {
  const config = env();
  const limiter = new ClientLimiter(config.LLMLB_CONTROL_MAX_PER_CLIENT);
  const secs = config.LLMLB_BODY_TIMEOUT_SECS;
  return (req: IncomingMessage, res: ServerResponse): void => {
    collectBody(req, API_BODY_LIMIT, secs * 1000, (err, body) => {
      if (err instanceof BodyTimeout) return sendApiError(res, new ApiError("request_timeout", `request body not received within ${secs} s`, undefined, { connection: "close" }));
      if (err instanceof BodyTooLarge) return sendApiError(res, bodyTooLarge());
      if (err || !body) return void res.destroy(); // the client went away while sending
      const client = req.socket.remoteAddress ?? "unknown";
      if (!limiter.tryAcquire(client)) {
        const message = `too many requests in flight from this client (at most ${limiter.max}); retry shortly`;
        return sendApiError(res, new ApiError("rate_limited", message, undefined, { "retry-after": "1" }));
      }
      res.once("close", () => limiter.release(client));
      forward(req, res, body);
    });
  };
}

function sendApiError(res: ServerResponse, err: ApiError): void {
  if (res.headersSent) return;
  const body = JSON.stringify(err.toJSON());
  res.writeHead(err.status, { ...err.headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}
