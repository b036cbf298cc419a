import "server-only";
import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { apiKeys, endpoints, users } from "../db/schema";
import { LOCAL_PROVIDER } from "../db/constants";
import { env } from "../env";
import { ApiError } from "../errors";
import { audit } from "../audit";
import { publishChange, runtime } from "../runtime";
import { assertCanGrant } from "../auth/users";
import type { Principal } from "../auth/permissions";
import { endpointApiKey, sealApiKey } from "../endpoints/secrets";
import { planImport, type Change, type CurrentState } from "./plan";
import type { ConfigDocument } from "./schema";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type Reader = Pick<Db, "select">;

async function currentState(db: Reader): Promise<CurrentState> {
  const [eps, us, keys] = await Promise.all([
    db.select().from(endpoints),
    db.select({ id: users.id, username: users.username, role: users.role, provider: users.provider }).from(users),
    db.select({ name: apiKeys.name, prefix: apiKeys.prefix }).from(apiKeys),
  ]);
  return { endpoints: eps.map((e) => ({ ...e, apiKey: endpointApiKey(e) })), users: us, apiKeys: keys };
}

/** What the answer shows of a change: never the item itself (it may hold an endpoint's key). */
const shown = (c: Change) => ({
  kind: c.kind,
  action: c.action,
  name: c.name,
  ...("fields" in c && c.fields ? { fields: c.fields } : {}),
  ...(c.note ? { note: c.note } : {}),
});

async function write(tx: Tx, changes: Change[], now: number): Promise<string[]> {
  const created: string[] = [];
  const userIds = new Map(
    (await tx.select({ id: users.id, username: users.username }).from(users)).map((u) => [u.username, u.id]),
  );
  for (const c of changes.filter((c) => c.action !== "unchanged")) {
    if (c.kind === "endpoint") {
      const e = c.item;
      const settings = {
        ...(e.endpoint_type !== undefined && { endpointType: e.endpoint_type }),
        ...(e.health_check_interval_secs !== undefined && { healthCheckIntervalSecs: e.health_check_interval_secs }),
        ...(e.inference_timeout_secs !== undefined && { inferenceTimeoutSecs: e.inference_timeout_secs }),
        ...(e.model_load_timeout_secs !== undefined && { modelLoadTimeoutSecs: e.model_load_timeout_secs }),
        ...(e.generation_probe !== undefined && { generationProbe: e.generation_probe }),
        ...(e.max_concurrency !== undefined && { maxConcurrency: e.max_concurrency }),
        ...(e.notes !== undefined && { notes: e.notes }),
        ...(e.api_key && { apiKey: sealApiKey(e.api_key) }),
        updatedAt: now,
      };
      if (c.id) await tx.update(endpoints).set(settings).where(eq(endpoints.id, c.id));
      else {
        const id = crypto.randomUUID();
        const row: typeof endpoints.$inferInsert = {
          id,
          name: e.name,
          baseUrl: e.base_url,
          status: "pending",
          healthCheckIntervalSecs: env().LLMLB_HEALTH_CHECK_INTERVAL,
          registeredAt: now,
          ...settings,
        };
        if (row.endpointType && row.endpointType !== "unknown") row.typeDetectedAt = now;
        await tx.insert(endpoints).values(row);
        created.push(id);
      }
    } else if (c.kind === "user") {
      if (c.id) await tx.update(users).set({ role: c.item.role, updatedAt: now }).where(eq(users.id, c.id));
      else {
        const id = crypto.randomUUID();
        const subject = c.item.provider === LOCAL_PROVIDER ? null : (c.item.subject ?? null);
        await tx.insert(users).values({
          id,
          username: c.item.username,
          passwordHash: "",
          role: c.item.role,
          provider: c.item.provider,
          subject,
          createdAt: now,
          updatedAt: now,
        });
        userIds.set(c.item.username, id);
      }
    } else {
      const k = c.item;
      await tx.insert(apiKeys).values({
        id: crypto.randomUUID(),
        name: k.name,
        prefix: k.prefix,
        keyHash: `imported:${crypto.randomUUID()}`, // no key hashes to this: the key works only once reissued
        permissions: k.permissions,
        createdBy: k.created_by ? (userIds.get(k.created_by) ?? null) : null,
        createdAt: Date.parse(k.created_at),
        expiresAt: k.expires_at ? Date.parse(k.expires_at) : null,
        revokedAt: now,
      });
    }
  }
  return created;
}

/**
 * Imports a configuration document: the changes it would make (dry run), or makes them (`apply`) in one
 * transaction, planned inside it (lib/config/plan.ts). A conflict refuses the whole import with a 400 naming
 * each item; nothing is written then. Matching by endpoint name + URL, username, key name + prefix makes a second
 * import of the same file change nothing.
 */
export async function importConfig({
  db,
  doc,
  apply,
  actor,
}: {
  db: Db;
  doc: ConfigDocument;
  apply: boolean;
  actor: Principal;
}) {
  const plan = async (reader: Reader) => {
    const p = planImport({ doc, current: await currentState(reader), localLogin: env().LLMLB_LOCAL_LOGIN });
    if (p.conflicts.length)
      throw new ApiError(
        "validation_error",
        p.conflicts.map((c) => `${c.field}: ${c.message}`).join("; "),
        p.conflicts,
      );
    for (const c of p.changes)
      if (c.kind === "user" && c.action !== "unchanged") assertCanGrant(actor, c.item.role, "import");
    return p.changes;
  };
  let changes: Change[];
  let created: string[] = [];
  if (!apply) changes = await plan(db);
  else {
    const now = Date.now();
    changes = await db.transaction(async (tx) => {
      const planned = await plan(tx);
      created = await write(tx, planned, now);
      const count = (a: string) => planned.filter((c) => c.action === a).length;
      await audit(tx, actor, "config.import", {
        type: "config",
        details: { create: count("create"), update: count("update") },
      });
      return planned;
    });
    for (const c of changes)
      if (c.kind === "endpoint" && c.action !== "unchanged") await publishChange(db, "registry", c.id ?? undefined);
    for (const id of created) await publishChange(db, "registry", id);
    if (changes.some((c) => c.kind !== "endpoint" && c.action !== "unchanged")) await publishChange(db, "credentials");
    for (const id of created) runtime().events.emit("check-now", id);
  }
  const summary = { create: 0, update: 0, unchanged: 0 };
  for (const c of changes) summary[c.action]++;
  return { applied: apply, summary, changes: changes.map(shown) };
}
