import "server-only";
import { EventEmitter } from "node:events";
import crypto from "node:crypto";
import { workerData } from "node:worker_threads";
import { sql } from "drizzle-orm";
import { env } from "./env";
import { FILE_CONNECTIONS, openDatabase, type Database, type Db, type ReadDb } from "./db/client";
import { meta } from "./db/schema";
import type { EngineTelemetry } from "./fleet/telemetry";

/**
 * What a thread's server bundle and Next's separately bundled route handlers must share, and the only state on
 * globalThis: the instance's identity, the database client and the event bus (and the lease and change-poll
 * bookkeeping that rides on them). Everything else is owned by one object per thread and passed as an argument:
 * the /v1 thread's DataPlane (lib/proxy/data-plane.ts), the control thread's ControlPlane
 * (lib/server/control-plane.ts). The main thread (/v1) and the control thread each have their own runtime; the
 * events below are bridged between them (lib/server/bridge.ts).
 */
export interface RuntimeEvents {
  /**
   * endpoints, models, statuses or stats changed: the routing table reloads that endpoint, or everything when
   * the change is not known (another instance's, seen by the version poll)
   */
  "registry-changed": [endpointId?: string];
  /** api keys or users changed: credential caches drop */
  "credentials-changed": [];
  /** run a health check of this endpoint now */
  "check-now": [endpointId: string];
  /** a health probe took this long (seconds): the control thread's /metrics histogram (not bridged) */
  "health-checked": [seconds: number];
}

export interface Runtime {
  instanceId: string;
  startedAt: number;
  events: EventEmitter<RuntimeEvents>;
  database?: Promise<Database>;
  leader: boolean;
  /** changes this thread published since the last version poll (lib/cluster/coordinator.ts) */
  ownChanges: Record<VersionKind, number>;
  /** the latest engine telemetry per endpoint id (lib/fleet/poller.ts; read by the endpoint detail) */
  fleet: Map<string, EngineTelemetry>;
  /** the interval the poller reads at, once it has said (its read budget may stretch the configured one) */
  fleetIntervalMs?: number;
}

const holder = globalThis as unknown as { __llmlbRuntime?: Runtime };

/** What the control thread inherits from the main thread: it is the same instance, started at the same time. */
export interface InheritedRuntime {
  instanceId: string;
  startedAt: number;
}
const inherited = (workerData as { runtime?: InheritedRuntime } | null)?.runtime;

export function runtime(): Runtime {
  if (!holder.__llmlbRuntime) {
    const events = new EventEmitter<RuntimeEvents>();
    events.setMaxListeners(100);
    holder.__llmlbRuntime = {
      instanceId: inherited?.instanceId ?? crypto.randomUUID(),
      startedAt: inherited?.startedAt ?? Date.now(),
      events,
      leader: false,
      ownChanges: { registry: 0, credentials: 0 },
      fleet: new Map(),
    };
  }
  return holder.__llmlbRuntime;
}

/** This thread's database client, opened by the first call: "read" for a thread that never writes (fewer connections). */
export function database(use: keyof typeof FILE_CONNECTIONS = "write"): Promise<Database> {
  const rt = runtime();
  rt.database ??= openDatabase(env().LLMLB_DATABASE_URL, env().LLMLB_DATABASE_AUTH_TOKEN, FILE_CONNECTIONS[use]);
  return rt.database;
}

export async function getDb(): Promise<Db> {
  return (await database()).db;
}

/** The database as the /v1 thread uses it: reads only (its writes go to the control thread). */
export async function getReadDb(): Promise<ReadDb> {
  return (await database("read")).db;
}

const VERSION_KEYS = { registry: "registry_version", credentials: "credentials_version" } as const;
export type VersionKind = keyof typeof VERSION_KEYS;

/**
 * Records a change so this instance reacts at once and other instances see it on their next poll. A registry
 * change names the endpoint it concerns.
 */
export async function publishChange(db: Db, kind: VersionKind, endpointId?: string): Promise<void> {
  // counted before the write lands, so a poll that sees the new version also sees it was ours
  runtime().ownChanges[kind]++;
  try {
    await db
      .insert(meta)
      .values({ key: VERSION_KEYS[kind], value: "1" })
      .onConflictDoUpdate({ target: meta.key, set: { value: sql`CAST(${meta.value} AS INTEGER) + 1` } });
  } catch (err) {
    runtime().ownChanges[kind]--;
    throw err;
  }
  if (kind === "registry") runtime().events.emit("registry-changed", endpointId);
  else runtime().events.emit("credentials-changed");
}

export async function readVersions(db: Db): Promise<Record<VersionKind, string>> {
  const rows = await db.select().from(meta);
  const get = (k: string) => rows.find((r) => r.key === k)?.value ?? "0";
  return { registry: get(VERSION_KEYS.registry), credentials: get(VERSION_KEYS.credentials) };
}
