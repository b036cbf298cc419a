import "server-only";
import type { Db } from "./db/client";
import { auditLog } from "./db/schema";
import type { Principal } from "./auth/permissions";

type Tx = Pick<Db, "insert">;

/** One audit row per admin mutation: who, what, when. */
export async function audit(
  db: Tx,
  actor: Principal | null,
  action: string,
  target: { type: string; id?: string | null; details?: Record<string, unknown> },
): Promise<void> {
  await db.insert(auditLog).values({
    ts: Date.now(),
    actorType: actor ? (actor.kind === "user" ? "user" : "api_key") : "system",
    actorId: actor?.id ?? null,
    action,
    targetType: target.type,
    targetId: target.id ?? null,
    details: target.details ?? null,
  });
}
