// The control thread's state (the /v1 thread has its DataPlane): its database, its metrics, the request-log sink,
// and the writes it carries out for the /v1 thread.
import "server-only";
import { env } from "../env";
import { database, runtime } from "../runtime";
import type { Db } from "../db/client";
import { markKeysUsed } from "../auth/key-usage";
import { writeStats } from "../endpoints/stats";
import { reportEndpointFailure } from "../health/check";
import { reportEndpointStall, type StallMemory } from "../health/stall-report";
import { log } from "../observability/logger";
import { Metrics } from "../observability/metrics";
import { requestLogSink, type RequestLogSink } from "../observability/request-log";
import type { ControlWrite } from "../proxy/data-plane";

export interface ControlPlane {
  db: Db;
  metrics: Metrics;
  requestLog: RequestLogSink;
  /** recent stalls of live traffic per endpoint (lib/health/stall.ts) */
  stalls: StallMemory;
  /** writes still in progress (waited for at stop) */
  writing: Set<Promise<void>>;
}

export async function createControlPlane(): Promise<ControlPlane> {
  const metrics = new Metrics();
  runtime().events.on("health-checked", (seconds) => metrics.healthChecks.observe(seconds));
  return {
    db: (await database()).db,
    metrics,
    requestLog: requestLogSink(env().LLMLB_DATABASE_URL, database),
    stalls: new Map(),
    writing: new Set(),
  };
}

async function apply(cp: ControlPlane, w: ControlWrite): Promise<void> {
  switch (w.t) {
    case "request-log":
      return cp.requestLog(w.args, w.rows);
    case "stats":
      return writeStats(cp.db, w.deltas, w.at);
    case "endpoint-failed":
      return reportEndpointFailure(cp.db, w.endpointId, w.reason);
    case "endpoint-stalled":
      return reportEndpointStall(cp.db, cp.stalls, w.endpointId, w.reason, w.at);
    case "keys-used":
      return markKeysUsed(cp.db, w.ids, w.at);
  }
}

/** Carries out one of the /v1 thread's writes; a failure is logged (an endpoint deleted meanwhile takes its rows with it). */
export function applyWrite(cp: ControlPlane, w: ControlWrite): void {
  const p = apply(cp, w)
    .catch((err) => log.error("write for the /v1 thread failed", { write: w.t, error: String(err) }))
    .finally(() => cp.writing.delete(p));
  cp.writing.add(p);
}
