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
import { AccessLog, fdWriter } from "../observability/access-log";
import { Accountant } from "./accounting";
import { upstreamPools, type UpstreamPools } from "./forward";
import { AdmissionQueue } from "./queue";
import { RoutingTable } from "./routing-table";
import { FleetState } from "./fleet-state";

/**
 * Every write the /v1 thread needs, which the control thread carries out: this thread only reads the database
 * (its `db` is typed so). Request-log rows, per-(endpoint, model) counters, an endpoint failing or stalling live traffic, API
 * keys used.
 */
export type ControlWrite =
  | { t: "request-log"; args: InValue[]; rows: number }
  | { t: "stats"; deltas: StatsDelta[]; at: number }
  | { t: "endpoint-failed"; endpointId: string; reason: string }
  /** a live request stalled (no byte within the endpoint's timeout): a failure, and one of the stalls that make it wedged */
  | { t: "endpoint-stalled"; endpointId: string; reason: string; at: number }
  | { t: "keys-used"; ids: string[]; at: number };

/** The part of the configuration the request path reads, read once. */
export interface ProxyConfig {
  maxRetries: number;
  debugKeys: boolean;
  secret: string;
  publicUrl: string | undefined;
  bodyTimeoutMs: number;
  /** SSE keep-alive interval for `stream: true` requests, 0 = off (./keep-alive.ts) */
  keepAliveMs: number;
  /** resume a broken chat completions stream on another endpoint (./resume.ts) */
  streamResume: boolean;
}

export interface DataPlane {
  readonly config: ProxyConfig;
  /** this cluster's id in X-LLMLB-Via */
  readonly cluster: string;
  readonly db: () => Promise<ReadDb>;
  readonly events: EventEmitter<RuntimeEvents>;
  /** the registry in memory: endpoints, models, in-flight counts and the TPS figures (their one owner) */
  readonly table: RoutingTable;
  /** engine telemetry, passive outcomes and the EMAs of the fleet-aware choice */
  readonly fleet: FleetState;
  readonly queue: AdmissionQueue;
  readonly pools: UpstreamPools;
  readonly keys: ApiKeyCache;
  /** user id → what a session is judged by; never a verdict (see lib/proxy/auth.ts) */
  readonly sessions: EpochCache<SessionUserState | null>;
  readonly metrics: Metrics;
  readonly requestLog: RequestLogWriter;
  /** LLMLB_ACCESS_LOG: null when off (the request path then pays one null check) */
  readonly accessLog: AccessLog | null;
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
      keepAliveMs: (config.LLMLB_SSE_KEEPALIVE_SECS ?? 15) * 1000,
      streamResume: config.LLMLB_STREAM_RESUME ?? true,
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
    accessLog: config.LLMLB_ACCESS_LOG ? new AccessLog(fdWriter(1)) : null,
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
  plane.accessLog?.flush();
  plane.keyUsage.flush();
  await plane.requestLog.flush();
  await plane.pools.close();
}
