import type { Server, ServerResponse } from "node:http";
import { database } from "../runtime";
import { log } from "../observability/logger";
import type { Service } from "./boot";

const DRAIN_MS = 30_000;

/** SIGTERM/SIGINT: stop accepting, let in-flight requests finish (≤ 30 s), stop services (flushing logs), close the DB. */
export function installShutdown({ server, services }: { server: Server; services: Service[] }): void {
  // every open request, /api and pages included (the /v1 set alone would cut a registration mid-way)
  const open = new Set<ServerResponse>();
  server.on("request", (_req, res: ServerResponse) => {
    open.add(res);
    res.once("close", () => open.delete(res));
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal, open: open.size });
    server.close();
    server.closeIdleConnections();
    const deadline = Date.now() + DRAIN_MS;
    while (open.size > 0 && Date.now() < deadline) {
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
