// The control side's start-up: the database prepared (migrations, first admin), then the lease and change polling,
// the health checks, the retention jobs and the engine telemetry. Run by the control thread (./control-worker.ts),
// or by the main thread in development (./dev-control.ts).
import cron from "node-cron";
import { env } from "../env";
import { database, getDb, runtime } from "../runtime";
import { applyMigrations } from "../db/migrate";
import { ensureAdmin } from "../auth/users";
import { log } from "../observability/logger";
import { Coordinator } from "../cluster/coordinator";
import { HealthScheduler } from "../health/scheduler";
import { TelemetryPoller, type TelemetryBatch } from "../fleet/poller";
import { purgeHistory } from "../health/retention";
import type { Db } from "../db/client";
import type { Service } from "./boot";

function startRetention(db: Db): Service {
  const config = env();
  const job = async () => {
    if (!runtime().leader) return;
    const purged = await purgeHistory(db, {
      healthDays: config.LLMLB_HEALTH_HISTORY_RETENTION_DAYS,
      requestDays: config.LLMLB_REQUEST_HISTORY_RETENTION_DAYS,
    });
    if (purged.healthChecks || purged.requests) log.info("retention clean-up", purged);
  };
  const task = cron.schedule(
    "0 */10 * * * *",
    () => job().catch((err) => log.warn("retention failed", { error: String(err) })),
    { noOverlap: true, name: "retention" },
  );
  return { name: "retention", stop: async () => void (await task.destroy()) };
}

/**
 * Before either thread serves: opens and migrates the database and creates the first admin (the control thread's
 * first step: the /v1 thread starts its data plane once the control thread is ready).
 */
export async function prepareDatabase({ migrationsFolder }: { migrationsFolder: string }): Promise<void> {
  const config = env();
  if (config.LLMLB_DEBUG_KEYS) {
    log.warn(
      "LLMLB_DEBUG_KEYS is ON: the fixed keys sk_debug, sk_debug_api and sk_debug_viewer are accepted. Never use this in production.",
    );
  }
  const database_ = await database();
  await applyMigrations(database_, migrationsFolder, runtime().instanceId);
  await ensureAdmin(database_.db, config.LLMLB_ADMIN_USERNAME, config.LLMLB_ADMIN_PASSWORD);
}

/**
 * The control thread's part: the lease and change polling, the health checks, the retention jobs, and the engine
 * telemetry (every instance reads it for its own /v1 thread: lib/fleet/poller.ts says why).
 */
export async function startControlServices(publishTelemetry: (batch: TelemetryBatch) => void): Promise<Service[]> {
  const config = env();
  const db = await getDb();
  const services: Service[] = [];
  const coordinator = new Coordinator(db, {
    leaseTtlMs: config.LLMLB_LEASE_TTL_SECS * 1000,
    pollMs: config.LLMLB_SYNC_POLL_MS,
  });
  await coordinator.start();
  services.push({ name: "coordinator", stop: () => coordinator.stop() });
  if (config.LLMLB_SCHEDULER) {
    const scheduler = new HealthScheduler(db);
    await scheduler.start();
    services.push({ name: "health-scheduler", stop: () => scheduler.stop() }, startRetention(db));
  }
  if (config.LLMLB_TELEMETRY_INTERVAL_MS > 0) {
    const poller = new TelemetryPoller({
      db,
      intervalMs: config.LLMLB_TELEMETRY_INTERVAL_MS,
      readsPerSec: config.LLMLB_TELEMETRY_MAX_READS_PER_SEC,
      timeoutMs: Math.min(1500, config.LLMLB_TELEMETRY_INTERVAL_MS),
      publish: (batch) => {
        runtime().fleetIntervalMs = batch.intervalMs; // the endpoint detail's staleness
        publishTelemetry(batch);
      },
      latest: runtime().fleet,
    });
    const onRegistry = () =>
      void poller.reload().catch((err) => log.warn("telemetry targets reload failed", { error: String(err) }));
    runtime().events.on("registry-changed", onRegistry);
    await poller.start();
    services.push({
      name: "telemetry",
      stop: async () => (poller.stop(), void runtime().events.off("registry-changed", onRegistry)),
    });
  }
  return services;
}
