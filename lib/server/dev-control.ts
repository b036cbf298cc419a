// Development (LLMLB_DEV=1): the control side in the main thread — Next, the scheduler and the control plane's
// writes — for Next's hot reload. Its own bundle (dist/dev-control.mjs), loaded by server.ts only in development,
// so that a production /v1 thread loads none of it.
import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import next from "next";
import type { Env } from "../env";
import type { TelemetryBatch } from "../fleet/poller";
import type { ControlWrite, DataPlane } from "../proxy/data-plane";
import type { Service } from "./boot";
import { prepareDatabase, startControlServices } from "./control-services";
import { applyWrite, createControlPlane } from "./control-plane";

export interface ControlHere {
  nextHandler: (req: IncomingMessage, res: ServerResponse) => void;
  write: (w: ControlWrite) => void;
  telemetry: DataPlane["controlTelemetry"];
  services: Service[];
}

export async function startControlHere(
  root: string,
  config: Env,
  publishTelemetry: (batch: TelemetryBatch) => void,
): Promise<ControlHere> {
  await prepareDatabase({ migrationsFolder: path.join(root, "drizzle/migrations") });
  const app = next({ dev: true, dir: root, hostname: config.LLMLB_HOST, port: config.LLMLB_PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const cp = await createControlPlane();
  return {
    nextHandler: (req, res) => void handle(req, res),
    write: (w) => applyWrite(cp, w),
    telemetry: async () => cp.metrics.telemetry(),
    services: await startControlServices(publishTelemetry),
  };
}
