import "server-only";
import type { Db } from "./db/client";
import { auditLog } from "./db/schema";
import type { Principal } from "./auth/permissions";

type NewAuditRow = typeof auditLog.$inferInsert;
type Target = { type: string; id?: string | null; details?: Record<string, unknown> };
/** A transaction's handle, as drizzle passes it to `db.transaction`. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

const entry = (actor: Principal | null, action: string, target: Target): NewAuditRow => ({
  ts: Date.now(),
  actorType: actor ? (actor.kind === "user" ? "user" : "api_key") : "system",
  actorId: actor?.id ?? null,
  action,
  targetType: target.type,
  targetId: target.id ?? null,
  details: target.details ?? null,
});

/**
 * The one way an admin mutation is audited: `mutate` and the audit row (who, what, when) run in one transaction,
 * so both commit or neither does. Checks that must hold at the moment of writing (the last admin) go inside.
 */
export async function audited<T>(
  db: Db,
  actor: Principal | null,
  action: string,
  target: Target,
  mutate: (tx: Tx) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    const out = await mutate(tx);
    await tx.insert(auditLog).values(entry(actor, action, target));
    return out;
  });
}

/** An audit row on its own, for actions that change nothing in the database (a connection test). */
export async function audit(
  db: Pick<Db, "insert">,
  actor: Principal | null,
  action: string,
  target: Target,
): Promise<void> {
  await db.insert(auditLog).values(entry(actor, action, target));
}
