import "server-only";
import { EventEmitter } from "node:events";
import crypto from "node:crypto";
import { workerData } from "node:worker_threads";
import { sql } from "drizzle-orm";
import { env } from "./env";
import { openDatabase, type Database, type Db } from "./db/client";
import { meta } from "./db/schema";

/**
 * Per-thread state. Each thread's server bundle and the Next bundle load separate copies of lib/, so everything
 * they must share (the database client, the event bus, the proxy's routing state) hangs off one object on
 * globalThis. The main thread (/v1) and the control thread (Next, scheduler) each have their own; the events
 * below are bridged between them (lib/server/bridge.ts).
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
}

export interface Runtime {
  instanceId: string;
  startedAt: number;
  events: EventEmitter<RuntimeEvents>;
  database?: Promise<Database>;
  /** slots owned by other modules (routing table, key cache, scheduler...) */
  slots: Map<string, unknown>;
  leader: boolean;
  /** changes this thread published since the last version poll (lib/cluster/coordinator.ts) */
  ownChanges: Record<VersionKind, number>;
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
      slots: new Map(),
      leader: false,
      ownChanges: { registry: 0, credentials: 0 },
    };
  }
  return holder.__llmlbRuntime;
}

/** A module-owned singleton stored on the runtime, created on first use. */
export function slot<T>(name: string, create: () => T): T {
  const slots = runtime().slots;
  let value = slots.get(name) as T | undefined;
  if (value === undefined) slots.set(name, (value = create()));
  return value;
}

export function database(): Promise<Database> {
  const rt = runtime();
  rt.database ??= openDatabase(env().LLMLB_DATABASE_URL, env().LLMLB_DATABASE_AUTH_TOKEN);
  return rt.database;
}

export async function getDb(): Promise<Db> {
  return (await database()).db;
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
