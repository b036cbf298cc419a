import type { IncomingMessage, ServerResponse } from "node:http";
import { handleV1 } from "../proxy/handler";
import { handleMetrics } from "../observability/metrics-route";

type NextHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** /v1 and /metrics are served here, without Next; everything else goes to Next. */
export function routeRequest(req: IncomingMessage, res: ServerResponse, nextHandler: NextHandler): void {
  // The client address as this socket sees it; a client-sent value is overwritten, never trusted.
  req.headers["x-llmlb-client-ip"] = req.socket.remoteAddress ?? "unknown";
  const url = req.url ?? "/";
  req.headers["x-llmlb-path"] = url.split("?")[0];
  if (url.startsWith("/v1/") || url === "/v1" || url.startsWith("/v1?")) {
    handleV1(req, res);
    return;
  }
  if (url === "/metrics" || url.startsWith("/metrics?")) {
    void handleMetrics(req, res);
    return;
  }
  void nextHandler(req, res);
}
