import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { getDb } from "../runtime";
import { hasPermission } from "../auth/permissions";
import { authenticateV1 } from "../proxy/auth";
import { scanClientHeaders } from "../proxy/headers";
import { routingTable } from "../proxy/routing-table";
import { admissionQueue } from "../proxy/exchange";
import { inflight } from "../proxy/inflight";
import { metrics } from "./metrics";
import { controlTelemetry } from "../server/bridge";
import { ApiError, requestIdOf } from "../errors";

const deny = (req: IncomingMessage, res: ServerResponse, err: ApiError) => {
  const sent = req.headers["x-request-id"];
  const requestId = requestIdOf({ get: () => (typeof sent === "string" ? sent : null) });
  res.writeHead(err.status, { "content-type": "application/json" });
  res.end(JSON.stringify(err.toJSON(requestId)));
};

/** `GET /metrics`: Prometheus text, for holders of `metrics.read`. */
export async function handleMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const principal = await authenticateV1(req, scanClientHeaders(req.rawHeaders));
  if (!principal) return deny(req, res, new ApiError("unauthorized", "sign in or send an API key"));
  if (!hasPermission(principal, "metrics.read")) return deny(req, res, new ApiError("forbidden", "missing permission: metrics.read"));
  const table = routingTable(getDb);
  const control = (await controlTelemetry().source?.()) ?? null;
  const lines = metrics().lines(
    {
      inflight: inflight.count,
      queueDepth: admissionQueue().depth,
      endpoints: [...table.endpoints.values()].map((e) => ({ id: e.id, name: e.name, up: e.status === "online" })),
    },
    control,
  );
  res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  for (let i = 0; i < lines.length; i += LINES_PER_WRITE) res.write(lines.slice(i, i + LINES_PER_WRITE).join("\n") + "\n");
  res.end();
}

/** The exposition leaves in pieces of this many lines (bounded strings, whatever the number of series). */
const LINES_PER_WRITE = 2000;
