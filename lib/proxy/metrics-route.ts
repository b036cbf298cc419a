import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { hasPermission } from "../auth/permissions";
import { ApiError, requestIdOf } from "../errors";
import { authenticateV1 } from "./auth";
import type { DataPlane } from "./data-plane";
import { scanClientHeaders } from "./headers";
import type { Gauges } from "../observability/metrics";

/** The exposition leaves in pieces of this many lines (bounded strings, whatever the number of series). */
const LINES_PER_WRITE = 2000;

const deny = (req: IncomingMessage, res: ServerResponse, err: ApiError) => {
  const sent = req.headers["x-request-id"];
  const requestId = requestIdOf({ get: () => (typeof sent === "string" ? sent : null) });
  res.writeHead(err.status, { "content-type": "application/json" });
  res.end(JSON.stringify(err.toJSON(requestId)));
};

function fleetGauges(plane: DataPlane): NonNullable<Gauges["fleet"]> {
  const queues: NonNullable<Gauges["fleet"]>["queues"] = [];
  const loaded: NonNullable<Gauges["fleet"]>["loaded"] = [];
  for (const [id, t] of plane.fleet.freshReadings()) {
    const name = plane.table.endpoints.get(id)?.name ?? id;
    if (t.running !== null || t.waiting !== null) queues.push({ id, name, depth: (t.running ?? 0) + (t.waiting ?? 0) });
    for (const m of t.models) if (m.loaded) loaded.push({ id, name, model: m.id });
  }
  return { queues, loaded, coldRoutes: plane.fleet.coldRoutes, reasons: [...plane.fleet.reasons] };
}

/** `GET /metrics`: Prometheus text, for holders of `metrics.read`. */
export async function handleMetrics(plane: DataPlane, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const principal = await authenticateV1(plane, req, scanClientHeaders(req.rawHeaders));
  if (!principal) return deny(req, res, new ApiError("unauthorized", "sign in or send an API key"));
  if (!hasPermission(principal, "metrics.read"))
    return deny(req, res, new ApiError("forbidden", "missing permission: metrics.read"));
  const control = (await plane.controlTelemetry?.()) ?? null;
  const lines = plane.metrics.lines(
    {
      inflight: plane.inflight,
      queueDepth: plane.queue.depth,
      requestLogDropped: plane.requestLog.dropped,
      endpoints: [...plane.table.endpoints.values()].map((e) => ({
        id: e.id,
        name: e.name,
        up: e.status === "online",
      })),
      fleet: fleetGauges(plane),
    },
    control,
  );
  res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  for (let i = 0; i < lines.length; i += LINES_PER_WRITE)
    res.write(`${lines.slice(i, i + LINES_PER_WRITE).join("\n")}\n`);
  res.end();
}
