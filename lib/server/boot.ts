import { env } from "../env";
import { database, runtime } from "../runtime";
import { applyMigrations } from "../db/migrate";
import { ensureAdmin } from "../auth/users";
import { log } from "../observability/logger";

export interface Service {
  name: string;
  stop(): Promise<void>;
}

/** Opens and migrates the database, creates the first admin, and starts the background services. */
export async function boot({ migrationsFolder }: { migrationsFolder: string }): Promise<Service[]> {
  const config = env();
  if (config.LLMLB_DEBUG_KEYS) {
    log.warn("LLMLB_DEBUG_KEYS is ON: the fixed keys sk_debug, sk_debug_api and sk_debug_viewer are accepted. Never use this in production.");
  }
  const db = await database();
  await applyMigrations(db, migrationsFolder, runtime().instanceId);
  await ensureAdmin(db.db, config.LLMLB_ADMIN_USERNAME, config.LLMLB_ADMIN_PASSWORD);
  const services: Service[] = [];
  return services;
}
