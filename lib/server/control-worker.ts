// The control thread: Next (dashboard and /api), the lease and change polling, the health checks and the
// retention jobs. Started by the main thread (lib/server/control-thread.ts), which keeps /v1 and /metrics to
// itself and hands every other request over a private Unix socket. Next installs process-wide async hooks
// once it serves a request; in this thread they cost the /v1 path nothing.
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import next from "next";
import { env, exportAuthEnv } from "../env";
import { database } from "../runtime";
import { log } from "../observability/logger";
import { bridgeEvents, type Port, type ThreadMessage } from "./bridge";
import { prepareDatabase, startControlServices } from "./control-services";
import { applyWrite, createControlPlane } from "./control-plane";

/**
 * This thread's work (telemetry reads, health checks, Next, writes) is background to the /v1 thread's: on a machine
 * whose cores are busy, a lower priority (a nice value for this thread alone: Linux keeps one per thread) lets the
 * /v1 thread run first when both are ready. Measured: `npm run bench:fleet-scale`, docs/benchmarks.md.
 */
function yieldToV1(nice: number): void {
  if (!nice) return;
  try {
    os.setPriority(0, nice); // 0: the calling thread
  } catch (err) {
    log.warn("control thread priority not lowered", { nice, error: String(err) });
  }
}

export interface ControlWorkerData {
  root: string;
  socketPath: string;
}

async function main(port: Port) {
  const { root, socketPath } = workerData as ControlWorkerData;
  const config = env();
  exportAuthEnv(config);
  yieldToV1(config.LLMLB_CONTROL_THREAD_NICE);
  await prepareDatabase({ migrationsFolder: path.join(root, "drizzle/migrations") });
  const app = next({ dev: false, dir: root, hostname: config.LLMLB_HOST, port: config.LLMLB_PORT });
  await app.prepare();
  const handler = app.getRequestHandler();
  // Reached only through the socket in a private directory: the main thread has already set the trusted
  // x-llmlb-client-ip and x-llmlb-path headers and turned malformed paths away.
  const server = http.createServer((req, res) => void handler(req, res));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(socketPath, resolve));

  bridgeEvents(port);
  const cp = await createControlPlane();
  const services = await startControlServices((batch) => port.postMessage({ t: "fleet-telemetry", ...batch }));
  port.on("message", (m: ThreadMessage) => {
    if (m.t === "telemetry?") port.postMessage({ t: "telemetry", id: m.id, data: cp.metrics.telemetry() });
    else if (m.t === "stop") void stop();
    else if (
      m.t === "request-log" ||
      m.t === "stats" ||
      m.t === "endpoint-failed" ||
      m.t === "endpoint-stalled" ||
      m.t === "keys-used"
    )
      applyWrite(cp, m);
  });

  // The main thread has drained its requests (these included) before it asks.
  async function stop() {
    server.closeAllConnections();
    server.close();
    for (const s of [...services].reverse())
      await s.stop().catch((err) => log.error("service failed to stop", { service: s.name, error: String(err) }));
    await Promise.all(cp.writing); // what the main thread sent before it asked to stop
    cp.requestLog.close?.();
    (await database()).client.close();
    port.postMessage({ t: "stopped" });
  }
  port.postMessage({ t: "ready" });
}

if (parentPort) {
  const port = parentPort as unknown as Port;
  main(port).catch((err) => {
    process.stderr.write(
      `llmlb: the control thread failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
}
