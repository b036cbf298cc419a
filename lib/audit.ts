import "server-only";
import type { Db } from "./db/client";
import { auditLog } from "./db/schema";
import type { Principal } from "./auth/permissions";

type Target = { type: string; id?: string | null; details?: Record<string, unknown> };

/**
 * The audit row of one admin mutation (who, what, when), as a query to run in the same `db.batch` as the
 * mutation itself, so both commit or neither does.
 */
export function auditEntry(db: Pick<Db, "insert">, actor: Principal | null, action: string, target: Target) {
  return db.insert(auditLog).values({
    ts: Date.now(),
    actorType: actor ? (actor.kind === "user" ? "user" : "api_key") : "system",
    actorId: actor?.id ?? null,
    action,
    targetType: target.type,
    targetId: target.id ?? null,
    details: target.details ?? null,
  });
}

/** An audit row on its own, for actions that write nothing else. */
export async function audit(db: Pick<Db, "insert">, actor: Principal | null, action: string, target: Target): Promise<void> {
  await auditEntry(db, actor, action, target);
}
