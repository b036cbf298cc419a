// The one process: validates configuration, opens and migrates the database, and serves /v1 and /metrics from
// a plain node:http handler on the main thread. Next (dashboard and /api) and the scheduled jobs run in the
// control thread (lib/server/control-worker.ts), which gets every other path; in development (LLMLB_DEV=1)
// they run in this thread instead, for Next's hot reload.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, env, exportAuthEnv } from "./lib/env";
import { bootDataPlane, type Service } from "./lib/server/boot";
import type { ControlWrite, DataPlane } from "./lib/proxy/data-plane";
import { startControlThread } from "./lib/server/control-thread";
import { installShutdown } from "./lib/server/shutdown";
import { routeRequest } from "./lib/server/router";
import { log } from "./lib/observability/logger";
import { startupBanner } from "./lib/server/startup-banner";
import { fdLimitWarning, readOpenFilesLimit } from "./lib/server/fd-limit";
import type { TelemetryBatch } from "./lib/fleet/poller";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function main() {
  const config = env();
  exportAuthEnv(config);
  const dev = process.env.LLMLB_DEV === "1";
  let nextHandler: (req: IncomingMessage, res: ServerResponse) => void;
  let write: (w: ControlWrite) => void;
  let telemetry: DataPlane["controlTelemetry"] = null;
  const services: Service[] = [];
  // engine telemetry reaches the /v1 thread's FleetState once it exists
  let fleetSink: ((batch: TelemetryBatch) => void) | null = null;
  const publishTelemetry = (batch: TelemetryBatch) => fleetSink?.(batch);
  if (dev) {
    // one thread, for Next's hot reload; a bundle of its own, so that production never loads it
    const url = new URL("./dev-control.mjs", import.meta.url).href;
    const here = await ((await import(url)) as typeof import("./lib/server/dev-control")).startControlHere(
      root,
      config,
      publishTelemetry,
    );
    ({ nextHandler, write, telemetry } = here);
    services.push(...here.services);
  } else {
    // the control thread prepares the database (migrations, first admin) before it says it is ready
    const control = await startControlThread(root);
    nextHandler = control.forward;
    write = control.write;
    telemetry = control.telemetry;
    services.push(control.service); // first in the list, so stopped last: it writes what the others flush
    control.onFleetTelemetry(publishTelemetry);
  }
  const { plane, service } = await bootDataPlane({ write, controlTelemetry: telemetry });
  fleetSink = (batch) => plane.fleet.apply(batch);
  services.push(service);

  const server = http.createServer((req, res) => routeRequest(plane, req, res, nextHandler));
  // No limit on connections (maxConnections unset) and none on a response's length: Node's requestTimeout
  // (300 s) bounds receiving a request, not streaming its answer; an hour-long stream is not cut here.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const fdWarning = fdLimitWarning(readOpenFilesLimit());
  if (fdWarning) log.warn(fdWarning);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // a burst of new connections (thousands of streams opened at once) waits in the kernel's accept queue rather
    // than being refused: 4,096 instead of Node's 511 (Linux caps it at net.core.somaxconn, 4,096 by default)
    server.listen({ port: config.LLMLB_PORT, host: config.LLMLB_HOST, backlog: 4096 }, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.LLMLB_PORT;
  log.info("llmlb listening", {
    url: `http://${config.LLMLB_HOST}:${port}`,
    database: config.LLMLB_DATABASE_URL.split("?")[0],
    dev,
  });
  const banner = startupBanner({
    host: config.LLMLB_HOST,
    port,
    debugKeys: config.LLMLB_DEBUG_KEYS,
    publicUrl: config.LLMLB_PUBLIC_URL,
  });
  process.stdout.write(banner.map((l) => `llmlb: ${l}\n`).join(""));
  process.stdout.write(`LLMLB_READY port=${port}\n`);
  installShutdown({ server, services, plane });
}

main().catch((err) => {
  if (err instanceof ConfigError) process.stderr.write(`llmlb: ${err.message}\n`);
  else
    process.stderr.write(
      `llmlb: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  process.exit(1);
});
