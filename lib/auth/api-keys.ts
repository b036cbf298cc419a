import "server-only";
import crypto from "node:crypto";
import { count, desc, eq, and, isNotNull, isNull } from "drizzle-orm";
import { z } from "zod";
import type { EventEmitter } from "node:events";
import type { Db, ReadDb } from "../db/client";
import { apiKeys, requestLog, type ApiKeyRow } from "../db/schema";
import { PERMISSIONS } from "../db/constants";
import { randomBase62, sha256Hex } from "../crypto";
import { env } from "../env";
import { ApiError, notFound } from "../errors";
import { getDb, publishChange, runtime, type RuntimeEvents } from "../runtime";
import { audited } from "../audit";
import { DEBUG_KEYS, missingGrant, type Principal } from "./permissions";
import { EpochCache } from "./epoch-cache";
import { KeyUsage, markKeysUsed } from "./key-usage";
import { log } from "../observability/logger";

export const createApiKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  permissions: z
    .array(z.enum(PERMISSIONS))
    .min(1)
    .transform((p) => [...new Set(p)]),
  expires_at: z.iso.datetime({ offset: true }).nullish(),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

export const generateApiKey = () => `sk_${randomBase62(40)}`;

export function serializeApiKey(row: ApiKeyRow) {
  const now = Date.now();
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    permissions: row.permissions,
    created_at: new Date(row.createdAt).toISOString(),
    expires_at: row.expiresAt ? new Date(row.expiresAt).toISOString() : null,
    revoked_at: row.revokedAt ? new Date(row.revokedAt).toISOString() : null,
    last_used_at: row.lastUsedAt ? new Date(row.lastUsedAt).toISOString() : null,
    status: row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt <= now ? "expired" : "active",
  };
}

/** Every key, newest first, with how many requests it made (request_log, within its retention). */
export async function listApiKeys({ db }: { db: Db }) {
  const [rows, counts] = await Promise.all([
    db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt)),
    db
      .select({ id: requestLog.apiKeyId, n: count() })
      .from(requestLog)
      .where(isNotNull(requestLog.apiKeyId))
      .groupBy(requestLog.apiKeyId),
  ]);
  const used = new Map(counts.map((c) => [c.id, c.n]));
  return rows.map((r) => ({ ...serializeApiKey(r), request_count: used.get(r.id) ?? 0 }));
}

export async function createApiKey({ db, input, actor }: { db: Db; input: CreateApiKeyInput; actor: Principal }) {
  const missing = missingGrant(actor, input.permissions);
  if (missing)
    throw new ApiError(
      "forbidden",
      `missing permission: ${missing} (a key cannot be given a permission its creator lacks)`,
      { permission: missing },
    );
  const plaintext = generateApiKey();
  const row: ApiKeyRow = {
    id: crypto.randomUUID(),
    name: input.name,
    prefix: plaintext.slice(0, 10),
    keyHash: sha256Hex(plaintext),
    permissions: input.permissions,
    createdBy: actor.kind === "user" ? actor.id : null,
    createdAt: Date.now(),
    expiresAt: input.expires_at ? Date.parse(input.expires_at) : null,
    revokedAt: null,
    lastUsedAt: null,
  };
  await audited(
    db,
    actor,
    "api_key.create",
    { type: "api_key", id: row.id, details: { name: row.name, permissions: row.permissions } },
    async (tx) => {
      await tx.insert(apiKeys).values(row);
    },
  );
  await publishChange(db, "credentials");
  return { ...serializeApiKey(row), key: plaintext };
}

export async function revokeApiKey({ db, id, actor }: { db: Db; id: string; actor: Principal }) {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  if (!row) throw notFound("api key");
  if (!row.revokedAt) {
    await audited(db, actor, "api_key.revoke", { type: "api_key", id }, async (tx) => {
      await tx
        .update(apiKeys)
        .set({ revokedAt: Date.now() })
        .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
    });
    await publishChange(db, "credentials");
  }
}

interface CachedKey {
  principal: Principal;
  expiresAt: number | null;
}

const usable = (entry: CachedKey | null) =>
  !entry || (entry.expiresAt !== null && entry.expiresAt <= Date.now()) ? null : entry.principal;

/**
 * Presented key → principal, from memory after a key's first use: hash → key, dropped whole on every credentials
 * change (here or, via the version poll, on another instance). A lookup that was in flight across the change
 * does not write its answer back (EpochCache). The /v1 thread keeps one in its DataPlane; the route handlers of
 * the control thread share another (routeKeyCache).
 */
export class ApiKeyCache {
  private readonly cache = new EpochCache<CachedKey | null>();

  constructor(
    events: EventEmitter<RuntimeEvents>,
    private readonly debugKeys: boolean,
  ) {
    events.on("credentials-changed", () => this.cache.clear());
  }

  /** The key's principal without waiting when memory can answer: null for a key that is not valid, undefined when the database must be asked. */
  cached(presented: string): Principal | null | undefined {
    if (this.debugKeys && Object.hasOwn(DEBUG_KEYS, presented)) {
      return { kind: "debug_key", id: presented, name: presented, permissions: DEBUG_KEYS[presented] };
    }
    if (!presented.startsWith("sk_") || presented.length > 200) return null;
    const entry = this.cache.get(sha256Hex(presented));
    return entry === undefined ? undefined : usable(entry);
  }

  /** The key's principal, or null; served from memory after the first use. */
  async verify(db: ReadDb, presented: string): Promise<Principal | null> {
    const cached = this.cached(presented);
    if (cached !== undefined) return cached;
    const hash = sha256Hex(presented);
    const epoch = this.cache.epoch();
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, hash));
    const entry: CachedKey | null =
      row && !row.revokedAt
        ? {
            principal: { kind: "api_key", id: row.id, name: row.name, permissions: row.permissions },
            expiresAt: row.expiresAt,
          }
        : null;
    this.cache.set(hash, entry, epoch);
    return usable(entry);
  }
}

let routeKeys: ApiKeyCache | null = null;
/** The key cache of this thread's route handlers (the /api guard). */
const routeKeyCache = () => (routeKeys ??= new ApiKeyCache(runtime().events, env().LLMLB_DEBUG_KEYS));

let routeUsage: KeyUsage | null = null;

/** Resolves a presented key to a principal, or null (the /api guard's check); a valid key's use is noted. */
export async function verifyApiKey(db: ReadDb, presented: string): Promise<Principal | null> {
  const principal = await routeKeyCache().verify(db, presented);
  if (principal?.kind === "api_key") {
    routeUsage ??= new KeyUsage(
      (ids, at) =>
        void getDb()
          .then((w) => markKeysUsed(w, ids, at))
          .catch((err) => log.warn("last_used_at not written", { error: String(err) })),
    );
    routeUsage.note(principal.id);
  }
  return principal;
}

/** The credential a request presents: `Authorization: Bearer …` or `X-API-Key`. */
export function presentedKey(headers: { get(name: string): string | null }): string | null {
  const auth = headers.get("authorization");
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    return m ? m[1].trim() : auth.trim();
  }
  return headers.get("x-api-key")?.trim() || null;
}
