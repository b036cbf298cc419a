// The /v1 thread's state, built once at start from the validated configuration and passed to every piece of the
// request path as an argument: no module singletons, no string-keyed slots, no configuration read per request.
import "server-only";
import type { EventEmitter } from "node:events";
import type { InValue } from "@libsql/client";
import type { Env } from "../env";
import type { ReadDb } from "../db/client";
import type { RuntimeEvents } from "../runtime";
import type { StatsDelta } from "../endpoints/stats";
import { ApiKeyCache } from "../auth/api-keys";
import { EpochCache } from "../auth/epoch-cache";
import { KeyUsage } from "../auth/key-usage";
import type { SessionUserState } from "../auth/session-principal";
import { clusterId } from "../cluster/via";
import { Metrics, type ControlTelemetry } from "../observability/metrics";
import { RequestLogWriter } from "../observability/request-log";
import { Accountant } from "./accounting";
import { upstreamPools, type UpstreamPools } from "./forward";
import { AdmissionQueue } from "./queue";
import { RoutingTable } from "./routing-table";
import { FleetState } from "./fleet-state";

/**
 * Every write the /v1 thread needs, which the control thread carries out: this thread only reads the database
 * (its `db` is typed so). Request-log rows, per-(endpoint, model) counters, an endpoint failing live traffic, API
 * keys used.
 */
export type ControlWrite =
  | { t: "request-log"; args: InValue[]; rows: number }
  | { t: "stats"; deltas: StatsDelta[]; at: number }
  | { t: "endpoint-failed"; endpointId: string; reason: string }
  | { t: "keys-used"; ids: string[]; at: number };

/** The part of the configuration the request path reads, read once. */
export interface ProxyConfig {
  maxRetries: number;
  debugKeys: boolean;
  secret: string;
  publicUrl: string | undefined;
  bodyTimeoutMs: number;
}

export interface DataPlane {
  readonly config: ProxyConfig;
  /** this cluster's id in X-LLMLB-Via */
  readonly cluster: string;
  readonly db: () => Promise<ReadDb>;
  readonly events: EventEmitter<RuntimeEvents>;
  /** the registry in memory: endpoints, models, in-flight counts and the TPS figures (their one owner) */
  readonly table: RoutingTable;
  /** engine telemetry, passive outcomes and the EMAs of the fleet-aware choice (SPEC §14) */
  readonly fleet: FleetState;
  readonly queue: AdmissionQueue;
  readonly pools: UpstreamPools;
  readonly keys: ApiKeyCache;
  /** user id → what a session is judged by; never a verdict (see lib/proxy/auth.ts) */
  readonly sessions: EpochCache<SessionUserState | null>;
  readonly metrics: Metrics;
  readonly requestLog: RequestLogWriter;
  readonly stats: Accountant;
  readonly keyUsage: KeyUsage;
  /** hands a write to the control thread */
  readonly write: (w: ControlWrite) => void;
  /** /v1 requests whose response is still open (the `llmlb_inflight_requests` gauge) */
  inflight: number;
  /** the control thread's telemetry for /metrics (null when both run in one thread) */
  controlTelemetry: (() => Promise<ControlTelemetry | null>) | null;
}

export interface DataPlaneDeps {
  config: Env;
  db: () => Promise<ReadDb>;
  events: EventEmitter<RuntimeEvents>;
  /** carries out this thread's writes (a message to the control thread, or the writes themselves in development) */
  write: (w: ControlWrite) => void;
  pools?: UpstreamPools;
}

/** Builds the /v1 thread's state; the routing table is loaded before the plane serves (bootDataPlane). */
export function createDataPlane({ config, db, events, write, pools }: DataPlaneDeps): DataPlane {
  const table = new RoutingTable(db);
  events.on("registry-changed", (endpointId) => void table.changed(endpointId));
  const sessions = new EpochCache<SessionUserState | null>();
  events.on("credentials-changed", () => sessions.clear());
  return {
    config: {
      maxRetries: config.LLMLB_MAX_RETRIES,
      debugKeys: config.LLMLB_DEBUG_KEYS,
      secret: config.LLMLB_SECRET,
      publicUrl: config.LLMLB_PUBLIC_URL,
      bodyTimeoutMs: config.LLMLB_BODY_TIMEOUT_SECS * 1000,
    },
    cluster: clusterId(config.LLMLB_SECRET),
    db,
    events,
    write,
    table,
    fleet: new FleetState(config.LLMLB_ROUTING_POLICY, config.LLMLB_TELEMETRY_INTERVAL_MS),
    queue: new AdmissionQueue({ max: config.LLMLB_QUEUE_MAX, timeoutMs: config.LLMLB_QUEUE_TIMEOUT_SECS * 1000 }),
    pools: pools ?? upstreamPools(),
    keys: new ApiKeyCache(events, config.LLMLB_DEBUG_KEYS),
    sessions,
    metrics: new Metrics(),
    requestLog: new RequestLogWriter(async (args, rows) => write({ t: "request-log", args, rows })),
    stats: new Accountant((deltas, at) => write({ t: "stats", deltas, at })),
    keyUsage: new KeyUsage((ids, at) => write({ t: "keys-used", ids, at })),
    inflight: 0,
    controlTelemetry: null,
  };
}

/** Flushes what is queued for the control thread and closes the upstream pools. */
export async function stopDataPlane(plane: DataPlane): Promise<void> {
  plane.stats.flush();
  plane.keyUsage.flush();
  await plane.requestLog.flush();
  await plane.pools.close();
}
