import "server-only";
import crypto from "node:crypto";
import { and, eq, isNull, ne, or } from "drizzle-orm";
import type { Db } from "../db/client";
import {
  downloadTasks,
  endpointModelDaily,
  endpointModels,
  endpointModelStats,
  endpoints,
  healthChecks,
  requestLog,
  type EndpointRow,
} from "../db/schema";
import { env } from "../env";
import { ApiError } from "../errors";
import { ENDPOINT_DEFAULTS } from "../db/constants";
import { englishMessage } from "../i18n/localize";
import { audited } from "../audit";
import { publishChange, runtime } from "../runtime";
import type { Principal } from "../auth/permissions";
import { probeEndpoint, type ProbeReport } from "./probe";
import { getEndpointRow, serializeEndpointById } from "./read";
import { endpointApiKey, sealApiKey } from "./secrets";
import { keyOnMove } from "./key-on-move";
import type { CreateEndpointInput, UpdateEndpointInput } from "./schema";

/** Detection at registration is bounded so the API answers within ~2 s even for a dead address. */
const detectTimeoutMs = () => Math.min(2000, env().LLMLB_HEALTH_CHECK_TIMEOUT_MS);

async function assertUnique(db: Db, fields: { name?: string; baseUrl?: string }, exceptId?: string) {
  const conds = [
    fields.name ? eq(endpoints.name, fields.name) : undefined,
    fields.baseUrl ? eq(endpoints.baseUrl, fields.baseUrl) : undefined,
  ].filter(Boolean);
  if (!conds.length) return;
  const clash = await db
    .select({ name: endpoints.name, baseUrl: endpoints.baseUrl })
    .from(endpoints)
    .where(and(or(...conds), exceptId ? ne(endpoints.id, exceptId) : undefined));
  const field = clash.some((c) => c.name === fields.name) ? "name" : clash.length ? "base_url" : null;
  if (field)
    throw new ApiError("conflict", `an endpoint with this ${field} already exists`, [
      { field, message: englishMessage("val_already_exists") },
    ]);
}

function uniqueViolation(err: unknown): never {
  const msg = err instanceof Error ? `${err.message} ${String((err as Error & { cause?: unknown }).cause ?? "")}` : "";
  if (/UNIQUE constraint failed: endpoints\.(name|base_url)/.exec(msg)) {
    const field = msg.includes("endpoints.name") ? "name" : "base_url";
    throw new ApiError("conflict", `an endpoint with this ${field} already exists`, [
      { field, message: englishMessage("val_already_exists") },
    ]);
  }
  throw err;
}

/** Refuses an address that is this load balancer: every request routed there would come back here. */
function notSelf(probe: ProbeReport): ProbeReport {
  if (!probe.self) return probe;
  const message = englishMessage("val_self_url");
  throw new ApiError("validation_error", `base_url: ${message}`, [{ field: "base_url", message }]);
}

/** After a change to an endpoint: routing reloads it here and on other instances; with `check`, it is checked now. */
async function afterChange(db: Db, id: string, check: boolean) {
  await publishChange(db, "registry", id);
  if (check) runtime().events.emit("check-now", id);
}

export async function createEndpoint({ db, input, actor }: { db: Db; input: CreateEndpointInput; actor: Principal }) {
  await assertUnique(db, { name: input.name, baseUrl: input.base_url });
  const probe = notSelf(await probeEndpoint(input.base_url, input.api_key ?? null, detectTimeoutMs()));
  const now = Date.now();
  const row: EndpointRow = {
    id: crypto.randomUUID(),
    name: input.name,
    baseUrl: input.base_url,
    apiKey: sealApiKey(input.api_key),
    status: "pending",
    endpointType: probe.endpointType,
    healthCheckIntervalSecs: input.health_check_interval_secs ?? env().LLMLB_HEALTH_CHECK_INTERVAL,
    inferenceTimeoutSecs: input.inference_timeout_secs ?? ENDPOINT_DEFAULTS.inferenceTimeoutSecs,
    modelLoadTimeoutSecs: input.model_load_timeout_secs ?? 600,
    generationProbe: input.generation_probe ?? null,
    stalledAt: null,
    maxConcurrency: input.max_concurrency ?? null,
    latencyMs: null,
    lastSeenAt: null,
    lastCheckedAt: null,
    lastError: null,
    consecutiveFailures: 0,
    registeredAt: now,
    updatedAt: now,
    notes: input.notes ?? null,
    typeDetectedAt: probe.endpointType === "unknown" ? null : now,
    modelsSyncedAt: null,
  };
  await audited(
    db,
    actor,
    "endpoint.create",
    {
      type: "endpoint",
      id: row.id,
      details: { name: row.name, base_url: row.baseUrl, endpoint_type: row.endpointType },
    },
    async (tx) => {
      await tx.insert(endpoints).values(row);
    },
  ).catch(uniqueViolation);
  await afterChange(db, row.id, true);
  return serializeEndpointById(db, row);
}

export async function updateEndpoint({
  db,
  id,
  input,
  actor,
}: {
  db: Db;
  id: string;
  input: UpdateEndpointInput;
  actor: Principal;
}) {
  const current = await getEndpointRow(db, id);
  await assertUnique(db, { name: input.name, baseUrl: input.base_url }, id);
  const patch: Partial<EndpointRow> = { updatedAt: Date.now() };
  if (input.name !== undefined) patch.name = input.name;
  if (input.health_check_interval_secs !== undefined) patch.healthCheckIntervalSecs = input.health_check_interval_secs;
  if (input.inference_timeout_secs !== undefined) patch.inferenceTimeoutSecs = input.inference_timeout_secs;
  if (input.model_load_timeout_secs !== undefined) patch.modelLoadTimeoutSecs = input.model_load_timeout_secs;
  if (input.generation_probe !== undefined) patch.generationProbe = input.generation_probe;
  if (input.max_concurrency !== undefined) patch.maxConcurrency = input.max_concurrency;
  if (input.notes !== undefined) patch.notes = input.notes;
  if (input.api_key !== undefined) patch.apiKey = sealApiKey(input.api_key);
  const urlChanged = input.base_url !== undefined && input.base_url !== current.baseUrl;
  // the stored key is a credential for the old host: it never goes to a new origin unless given again
  const keyCleared =
    urlChanged &&
    keyOnMove({
      from: current.baseUrl,
      to: input.base_url!,
      supplied: input.api_key !== undefined,
      stored: current.apiKey !== null,
    }) === "clear";
  if (keyCleared) patch.apiKey = null;
  if (urlChanged) {
    const key = input.api_key !== undefined ? input.api_key : keyCleared ? null : endpointApiKey(current);
    const probe = notSelf(await probeEndpoint(input.base_url!, key, detectTimeoutMs()));
    Object.assign(patch, {
      baseUrl: input.base_url,
      endpointType: probe.endpointType,
      typeDetectedAt: probe.endpointType === "unknown" ? null : Date.now(),
      status: "pending",
      consecutiveFailures: 0,
      lastError: null,
      modelsSyncedAt: null,
    } satisfies Partial<EndpointRow>);
  }
  const changed = Object.keys(input).filter((k) => k !== "api_key");
  await audited(
    db,
    actor,
    "endpoint.update",
    {
      type: "endpoint",
      id,
      details: { fields: changed, api_key_changed: input.api_key !== undefined, api_key_cleared: keyCleared },
    },
    async (tx) => {
      await tx.update(endpoints).set(patch).where(eq(endpoints.id, id));
      if (urlChanged) await tx.delete(endpointModels).where(eq(endpointModels.endpointId, id));
    },
  ).catch(uniqueViolation);
  await afterChange(db, id, urlChanged || input.api_key !== undefined);
  return { ...(await serializeEndpointById(db, { ...current, ...patch })), api_key_cleared: keyCleared };
}

export async function removeEndpoint({ db, id, actor }: { db: Db; id: string; actor: Principal }) {
  const row = await getEndpointRow(db, id);
  await audited(
    db,
    actor,
    "endpoint.delete",
    { type: "endpoint", id, details: { name: row.name, base_url: row.baseUrl } },
    async (tx) => {
      for (const table of [endpointModels, endpointModelStats, endpointModelDaily, healthChecks, downloadTasks])
        await tx.delete(table).where(eq(table.endpointId, id));
      // the request history keeps the name: its rows outlive the endpoint
      await tx
        .update(requestLog)
        .set({ endpointName: row.name })
        .where(and(eq(requestLog.endpointId, id), isNull(requestLog.endpointName)));
      await tx.delete(endpoints).where(eq(endpoints.id, id));
    },
  );
  await afterChange(db, id, false);
}
