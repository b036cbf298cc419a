import type { Server, ServerResponse } from "node:http";
import { database } from "../runtime";
import { log } from "../observability/logger";
import type { DataPlane } from "../proxy/data-plane";
import type { Service } from "./boot";

const DRAIN_MS = 30_000;

/** Open requests other than /v1 (which counts its own in the plane's `inflight`): /api and pages, so that shutdown lets a registration finish. */
const open = new Set<ServerResponse>();
const closed = function (this: ServerResponse) {
  open.delete(this);
};

export function trackRequest(res: ServerResponse): void {
  open.add(res);
  res.once("close", closed);
}

/** SIGTERM/SIGINT: stop accepting, let in-flight requests finish (≤ 30 s), stop services (flushing logs), close the DB. */
export function installShutdown({
  server,
  services,
  plane,
}: {
  server: Server;
  services: Service[];
  plane: DataPlane;
}): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal, open: open.size, inflight: plane.inflight });
    server.close();
    server.closeIdleConnections();
    const deadline = Date.now() + DRAIN_MS;
    while ((open.size > 0 || plane.inflight > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      server.closeIdleConnections(); // keep-alive sockets freed by finished requests
    }
    server.closeAllConnections();
    for (const s of [...services].reverse()) {
      await s.stop().catch((err) => log.error("service failed to stop", { service: s.name, error: String(err) }));
    }
    (await database()).client.close();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}
