import "server-only";
import { asc } from "drizzle-orm";
import type { Db } from "../db/client";
import { apiKeys, endpoints, users } from "../db/schema";
import type { ConfigDocument } from "./schema";

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The configuration as one document (lib/config/schema.ts): every endpoint's settings, the users and the API
 * keys' metadata. Never a secret: no endpoint key (only whether there is one), no password hash, no key hash.
 */
export async function exportConfig({ db }: { db: Db }): Promise<ConfigDocument> {
  const [eps, us, keys] = await Promise.all([
    db.select().from(endpoints).orderBy(asc(endpoints.name)),
    db.select().from(users).orderBy(asc(users.username)),
    db.select().from(apiKeys).orderBy(asc(apiKeys.createdAt), asc(apiKeys.name)),
  ]);
  const usernames = new Map(us.map((u) => [u.id, u.username]));
  return {
    version: 1,
    exported_at: iso(Date.now()),
    endpoints: eps.map((e) => ({
      name: e.name,
      base_url: e.baseUrl,
      endpoint_type: e.endpointType,
      health_check_interval_secs: e.healthCheckIntervalSecs,
      inference_timeout_secs: e.inferenceTimeoutSecs,
      model_load_timeout_secs: e.modelLoadTimeoutSecs,
      generation_probe: e.generationProbe,
      max_concurrency: e.maxConcurrency,
      notes: e.notes,
      has_api_key: e.apiKey !== null,
    })),
    users: us.map((u) => ({ username: u.username, role: u.role, provider: u.provider, subject: u.subject })),
    api_keys: keys.map((k) => ({
      name: k.name,
      prefix: k.prefix,
      permissions: k.permissions,
      created_by: k.createdBy ? (usernames.get(k.createdBy) ?? null) : null,
      created_at: iso(k.createdAt),
      expires_at: k.expiresAt ? iso(k.expiresAt) : null,
    })),
  };
}
