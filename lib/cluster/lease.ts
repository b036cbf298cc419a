import "server-only";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { leases } from "../db/schema";

/**
 * Takes or renews a named lease in one conditional upsert: it succeeds when the lease is free, expired, or
 * already ours. Returns whether this holder has it now.
 */
export async function acquireLease(
  db: Db,
  name: string,
  holder: string,
  ttlMs: number,
  now = Date.now(),
): Promise<boolean> {
  await db
    .insert(leases)
    .values({ name, holder, expiresAt: now + ttlMs })
    .onConflictDoUpdate({
      target: leases.name,
      set: { holder, expiresAt: now + ttlMs },
      setWhere: sql`${leases.expiresAt} < ${now} OR ${leases.holder} = ${holder}`,
    });
  const rows = await db.select().from(leases).where(sql`${leases.name} = ${name}`);
  return rows[0]?.holder === holder;
}

export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.delete(leases).where(sql`${leases.name} = ${name} AND ${leases.holder} = ${holder}`);
}
