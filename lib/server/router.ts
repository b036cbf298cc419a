import type { IncomingMessage, ServerResponse } from "node:http";
import type { DataPlane } from "../proxy/data-plane";
import { handleV1 } from "../proxy/handler";
import { handleMetrics } from "../proxy/metrics-route";
import { log } from "../observability/logger";
import { trackRequest } from "./shutdown";

type NextHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** /v1 and /metrics are served here, without Next; everything else goes to Next. */
export function routeRequest(
  plane: DataPlane,
  req: IncomingMessage,
  res: ServerResponse,
  nextHandler: NextHandler,
): void {
  const url = req.url ?? "/";
  // /v1 reads the raw header list itself (lib/proxy/relay.ts); node's header object is never built for it
  if (url.startsWith("/v1/") || url === "/v1" || url.startsWith("/v1?")) {
    handleV1(plane, req, res);
    return;
  }
  trackRequest(res);
  // The client address as this socket sees it; a client-sent value is overwritten, never trusted.
  req.headers["x-llmlb-client-ip"] = req.socket.remoteAddress ?? "unknown";
  const path = url.split("?")[0];
  req.headers["x-llmlb-path"] = path;
  if (url === "/metrics" || url.startsWith("/metrics?")) {
    handleMetrics(plane, req, res).catch((err: unknown) => {
      // never leave the request hanging on an unexpected failure (it used to wait until the client gave up)
      log.error("metrics failure", { error: err instanceof Error ? err.message : String(err) });
      if (res.headersSent) return void res.destroy();
      const body = JSON.stringify({ error: { code: "internal", message: "internal error" } });
      res.writeHead(500, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
    return;
  }
  if (!wellFormedPath(path)) return badPath(res, path.startsWith("/api/"));
  nextHandler(req, res);
}

/** Next answers a path whose percent-encoding does not decode (`/api/endpoints/%E0%A4%A`) with a bare 500. */
function wellFormedPath(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

function badPath(res: ServerResponse, api: boolean): void {
  const body = api
    ? JSON.stringify({
        error: {
          code: "validation_error",
          message: "path: malformed percent-encoding",
          details: [{ field: "path", message: "malformed percent-encoding" }],
        },
      })
    : "Bad Request: malformed percent-encoding in the path\n";
  res.writeHead(400, {
    "content-type": api ? "application/json" : "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "x-content-type-options": "nosniff",
  });
  res.end(body);
}
