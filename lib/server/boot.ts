// The /v1 thread's start-up. What the control side starts (database preparation, scheduler, telemetry) is in
// ./control-services.ts, which this thread never loads in production: neither it nor its packages (node-cron,
// bcryptjs, the migrator, undici's full client) sit in the /v1 thread's memory.
import { env } from "../env";
import { getReadDb, runtime } from "../runtime";
import { createDataPlane, stopDataPlane, type DataPlane, type DataPlaneDeps } from "../proxy/data-plane";

export interface Service {
  name: string;
  stop(): Promise<void>;
}

/** The /v1 thread's state, its routing table loaded; its service flushes what it queued for the control thread. */
export async function bootDataPlane(deps: {
  write: DataPlaneDeps["write"];
  controlTelemetry: DataPlane["controlTelemetry"];
}): Promise<{ plane: DataPlane; service: Service }> {
  const plane = createDataPlane({ config: env(), db: getReadDb, events: runtime().events, write: deps.write });
  plane.controlTelemetry = deps.controlTelemetry;
  await plane.table.reload();
  return { plane, service: { name: "data-plane", stop: () => stopDataPlane(plane) } };
}
