import { migrate } from "drizzle-orm/libsql/migrator";
import type { Database } from "./client";

const LOCK_TTL_MS = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Applies the committed drizzle migrations. Several instances may start together on one sqld: a lock row
 * (taken with a single conditional upsert) lets one migrate while the others wait, then they re-run the
 * migrator, which finds nothing left to do.
 */
export async function applyMigrations(database: Database, migrationsFolder: string, holder: string): Promise<void> {
  const { client, db } = database;
  await client.execute(
    "CREATE TABLE IF NOT EXISTS __llmlb_migration_lock (id INTEGER PRIMARY KEY, holder TEXT NOT NULL, expires_at INTEGER NOT NULL)",
  );
  for (let attempt = 0; ; attempt++) {
    const now = Date.now();
    await client.execute({
      sql: `INSERT INTO __llmlb_migration_lock (id, holder, expires_at) VALUES (1, ?, ?)
            ON CONFLICT(id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE __llmlb_migration_lock.expires_at < ?`,
      args: [holder, now + LOCK_TTL_MS, now],
    });
    const row = await client.execute("SELECT holder FROM __llmlb_migration_lock WHERE id = 1");
    if (row.rows[0]?.holder === holder) break;
    if (attempt > 600) throw new Error("timed out waiting for another instance to finish migrations");
    await sleep(100);
  }
  try {
    await migrate(db, { migrationsFolder });
  } finally {
    await client.execute({ sql: "DELETE FROM __llmlb_migration_lock WHERE id = 1 AND holder = ?", args: [holder] });
  }
}
