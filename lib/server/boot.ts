import cron from "node-cron";
import { env } from "../env";
import { database, getDb, runtime } from "../runtime";
import { applyMigrations } from "../db/migrate";
import { ensureAdmin } from "../auth/users";
import { log } from "../observability/logger";
import { Coordinator } from "../cluster/coordinator";
import { HealthScheduler } from "../health/scheduler";
import { purgeHistory } from "../health/retention";
import type { Db } from "../db/client";
import { routingTable } from "../proxy/routing-table";
import { accountant } from "../proxy/accounting";
import { closePools } from "../proxy/forward";
import { requestLogWriter } from "../observability/request-log";

export interface Service {
  name: string;
  stop(): Promise<void>;
}

function startRetention(db: Db): Service {
  const config = env();
  const job = async () => {
    if (!runtime().leader) return;
    const purged = await purgeHistory(db, { healthDays: config.LLMLB_HEALTH_HISTORY_RETENTION_DAYS, requestDays: config.LLMLB_REQUEST_HISTORY_RETENTION_DAYS });
    if (purged.healthChecks || purged.requests) log.info("retention clean-up", purged);
  };
  const task = cron.schedule("0 */10 * * * *", () => job().catch((err) => log.warn("retention failed", { error: String(err) })), { noOverlap: true, name: "retention" });
  return { name: "retention", stop: async () => void (await task.destroy()) };
}

/**
 * The main thread's part: opens and migrates the database, creates the first admin, and loads the proxy's
 * routing state. Runs before the control thread starts, so it finds a migrated database.
 */
export async function bootDataPlane({ migrationsFolder }: { migrationsFolder: string }): Promise<Service[]> {
  const config = env();
  if (config.LLMLB_DEBUG_KEYS) {
    log.warn("LLMLB_DEBUG_KEYS is ON: the fixed keys sk_debug, sk_debug_api and sk_debug_viewer are accepted. Never use this in production.");
  }
  const database_ = await database();
  await applyMigrations(database_, migrationsFolder, runtime().instanceId);
  await ensureAdmin(database_.db, config.LLMLB_ADMIN_USERNAME, config.LLMLB_ADMIN_PASSWORD);

  const table = routingTable(getDb);
  await table.reload();
  for (const [endpointId, model, tps] of table.tps.entries()) accountant(getDb).seed(endpointId, model, tps);
  return [
    {
      name: "proxy-accounting",
      stop: async () => {
        await accountant(getDb).flush();
        await requestLogWriter().flush();
        await closePools();
      },
    },
  ];
}

/** The control thread's part: the lease and change polling, the health checks and the retention jobs. */
export async function startControlServices(): Promise<Service[]> {
  const config = env();
  const db = await getDb();
  const services: Service[] = [];
  const coordinator = new Coordinator(db, { leaseTtlMs: config.LLMLB_LEASE_TTL_SECS * 1000, pollMs: config.LLMLB_SYNC_POLL_MS });
  await coordinator.start();
  services.push({ name: "coordinator", stop: () => coordinator.stop() });
  if (config.LLMLB_SCHEDULER) {
    const scheduler = new HealthScheduler(db);
    await scheduler.start();
    services.push({ name: "health-scheduler", stop: () => scheduler.stop() }, startRetention(db));
  }
  return services;
}
