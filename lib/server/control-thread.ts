import fs from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { runtime, type InheritedRuntime } from "../runtime";
import { log } from "../observability/logger";
import { HOP_BY_HOP } from "../hop-by-hop";
import type { ControlWrite } from "../proxy/data-plane";
import type { TelemetryBatch } from "../fleet/poller";
import { bridgeEvents, type ControlTelemetry, type Port, type ThreadMessage } from "./bridge";
import type { ControlWorkerData } from "./control-worker";
import type { Service } from "./boot";
import { makeSocketDir } from "./socket-dir";
import { controlGate, type ForwardWithBody } from "./control-gate";

const STOP_TIMEOUT_MS = 20_000;
const TELEMETRY_TIMEOUT_MS = 1_000;
/**
 * The control thread's young generation: V8 sizes a worker's like a process's (up to 16 MB semi-spaces), which
 * this thread, mostly idle and allocating little, never needs: 8 MB takes ~20 MB off the RSS at start and at idle
 * (docs/benchmarks.md, "CPU and memory").
 */
const CONTROL_YOUNG_GENERATION_MB = 8;

export interface ControlThread {
  /** Hands a request (anything but /v1 and /metrics) to Next in the control thread. */
  forward(req: IncomingMessage, res: ServerResponse): void;
  service: Service;
  /** hands one of the /v1 thread's writes to the control thread */
  write(w: ControlWrite): void;
  /** asks the control thread for its telemetry (null when it does not answer within a second) */
  telemetry(): Promise<ControlTelemetry | null>;
  /** where the engine telemetry the control thread reads goes (the /v1 thread's FleetState) */
  onFleetTelemetry(sink: (batch: TelemetryBatch) => void): void;
}

/**
 * Starts the control thread (lib/server/control-worker.ts, bundled next to this file) and resolves once Next
 * is listening on its private socket and the scheduled services run. A control thread that dies later takes
 * the process down: half a server is worse than a restart.
 */
export async function startControlThread(root: string): Promise<ControlThread> {
  const dir = makeSocketDir();
  const socketPath = path.join(dir, "control.sock");
  const rt = runtime();
  const workerData: ControlWorkerData & { runtime: InheritedRuntime } = {
    root,
    socketPath,
    runtime: { instanceId: rt.instanceId, startedAt: rt.startedAt },
  };
  const worker = new Worker(new URL("./control-worker.mjs", import.meta.url), {
    workerData,
    resourceLimits: { maxYoungGenerationSizeMb: CONTROL_YOUNG_GENERATION_MB },
  });
  const port = worker as unknown as Port;
  let stopping = false;

  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`the control thread exited with code ${code} while starting`));
    worker.once("error", reject).once("exit", onExit);
    port.on("message", (m) => {
      if (m.t !== "ready") return;
      worker.off("error", reject).off("exit", onExit);
      resolve();
    });
  });
  worker.on("error", (err) => log.error("control thread failed", { error: err.stack ?? String(err) }));
  worker.on("exit", (code) => {
    if (stopping) return;
    log.error("control thread exited; stopping", { code });
    process.exit(1);
  });
  bridgeEvents(port);

  let nextId = 0;
  const pending = new Map<number, (t: ControlTelemetry | null) => void>();
  let fleetSink: ((batch: TelemetryBatch) => void) | null = null;
  port.on("message", (m) => {
    if (m.t === "telemetry") pending.get(m.id)?.(m.data);
    else if (m.t === "fleet-telemetry") fleetSink?.(m);
  });
  const telemetry = (): Promise<ControlTelemetry | null> =>
    new Promise((resolve) => {
      const id = ++nextId;
      const done = (t: ControlTelemetry | null) => {
        pending.delete(id);
        clearTimeout(timer);
        resolve(t);
      };
      const timer = setTimeout(() => done(null), TELEMETRY_TIMEOUT_MS);
      pending.set(id, done);
      port.postMessage({ t: "telemetry?", id });
    });

  const stop = async () => {
    stopping = true;
    const stopped = new Promise<void>((resolve) => {
      port.on("message", (m: ThreadMessage) => m.t === "stopped" && resolve());
      worker.once("exit", () => resolve());
    });
    port.postMessage({ t: "stop" });
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref());
    await Promise.race([stopped, timeout]);
    await worker.terminate();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // the /v1 thread's writes are the control thread's: a large INSERT would stall /v1 for its whole duration
  const write = (w: ControlWrite) => port.postMessage(w);
  return {
    forward: controlGate(forwarder(socketPath)),
    service: { name: "control-thread", stop },
    write,
    telemetry,
    onFleetTelemetry: (sink) => void (fleetSink = sink),
  };
}

/**
 * Relays a request to Next over the socket, its body already read (lib/server/control-gate.ts) so that it holds a
 * pooled socket only while Next works on it; the response streams back and keeps its raw headers.
 */
function forwarder(socketPath: string): ForwardWithBody {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  return (req, res, body) => {
    const headers = { ...req.headers };
    for (const h of HOP_BY_HOP) delete headers[h];
    if (body.length || headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined)
      headers["content-length"] = String(body.length);
    const upstream = http.request({ socketPath, agent, method: req.method, path: req.url, headers });
    upstream.on("response", (answer) => {
      const raw: string[] = [];
      for (let i = 0; i < answer.rawHeaders.length; i += 2) {
        if (!HOP_BY_HOP.has(answer.rawHeaders[i].toLowerCase()))
          raw.push(answer.rawHeaders[i], answer.rawHeaders[i + 1]);
      }
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, raw);
      answer.pipe(res);
      answer.on("error", () => res.destroy());
    });
    upstream.on("error", (err) => {
      if (res.headersSent) return void res.destroy();
      log.error("control thread unreachable", { error: String(err) });
      const body = JSON.stringify({ error: { code: "internal", message: "internal error" } });
      res.writeHead(502, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.end(body);
  };
}
