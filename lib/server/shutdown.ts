import type { Server } from "node:http";
import { database } from "../runtime";
import { log } from "../observability/logger";
import { inflightRequests } from "../proxy/inflight";
import type { Service } from "./boot";

const DRAIN_MS = 30_000;

/** SIGTERM/SIGINT: stop accepting, let in-flight requests finish (≤ 30 s), stop services (flushing logs), close the DB. */
export function installShutdown({ server, services }: { server: Server; services: Service[] }): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal, inflight: inflightRequests().size });
    server.close();
    server.closeIdleConnections();
    const deadline = Date.now() + DRAIN_MS;
    while (inflightRequests().size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
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
