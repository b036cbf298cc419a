import "server-only";
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { endpointModels, endpoints, healthChecks, type EndpointRow } from "../db/schema";
import { endpointApiKey } from "../endpoints/secrets";
import { upstreamJson } from "../endpoints/upstream-http";
import { STALL_REASON, generationProbeBody, needsGenerationProbe } from "./generation-probe";
import { env } from "../env";
import { runtime, publishChange } from "../runtime";
import { syncModelsInBackground } from "../endpoints/background-sync";
import { nextStatus, passiveFailure } from "./transition";
import { probeHealth, type HealthProbe } from "./probe";

/** Records one check's outcome: endpoint fields, a health_checks row, and a registry change if the status moved. */
export async function recordCheck(
  db: Db,
  row: EndpointRow,
  probe: HealthProbe,
  now = Date.now(),
): Promise<EndpointRow> {
  const next = nextStatus({ status: row.status, consecutiveFailures: row.consecutiveFailures }, probe.outcome);
  const ok = probe.outcome === "success";
  const patch: Partial<EndpointRow> = {
    status: next.status,
    consecutiveFailures: next.consecutiveFailures,
    lastCheckedAt: now,
    lastError: ok ? null : probe.error,
    ...(probe.latencyMs !== null ? { latencyMs: probe.latencyMs } : {}),
    ...(ok ? { lastSeenAt: now } : {}),
    // a stalled endpoint's mark goes with the first passing check: its generation probe (./generation-probe.ts)
    ...(ok && row.stalledAt !== null ? { stalledAt: null } : {}),
    ...(probe.detectedType && probe.detectedType !== row.endpointType
      ? { endpointType: probe.detectedType, typeDetectedAt: now }
      : {}),
  };
  await db.batch([
    // a check of a row read before a stall mark landed never brings the endpoint back: the mark's re-check does
    db
      .update(endpoints)
      .set(patch)
      .where(
        row.stalledAt === null ? and(eq(endpoints.id, row.id), isNull(endpoints.stalledAt)) : eq(endpoints.id, row.id),
      ),
    db.insert(healthChecks).values({
      endpointId: row.id,
      checkedAt: now,
      ok,
      latencyMs: probe.latencyMs,
      error: ok ? null : probe.error,
      statusBefore: row.status,
      statusAfter: next.status,
      instanceId: runtime().instanceId,
    }),
  ]);
  const updated = { ...row, ...patch };
  if (updated.status !== row.status || updated.endpointType !== row.endpointType)
    await publishChange(db, "registry", row.id);
  return updated;
}

/** Models are synced when an endpoint is online and was never synced or the last sync is stale. */
export const needsModelSync = (row: EndpointRow, now: number, intervalSecs: number) =>
  row.status === "online" && (row.modelsSyncedAt === null || now - row.modelsSyncedAt >= intervalSecs * 1000);

/**
 * One health check of one endpoint; a model sync, when due, starts beside it and is not waited for: the verdict
 * comes from the probe alone. The scheduler calls this.
 */
export async function runHealthCheck(db: Db, row: EndpointRow): Promise<EndpointRow> {
  const t0 = performance.now();
  let probe = await probeHealth(row, env().LLMLB_HEALTH_CHECK_TIMEOUT_MS);
  if (probe.outcome === "success" && needsGenerationProbe(row)) probe = await probeGeneration(db, row);
  runtime().events.emit("health-checked", (performance.now() - t0) / 1000);
  const updated = await recordCheck(db, row, probe);
  if (needsModelSync(updated, Date.now(), env().LLMLB_MODEL_SYNC_INTERVAL)) syncModelsInBackground(db, updated);
  return updated;
}

/**
 * The one-token generation probe of a stalled endpoint: POST /v1/chat/completions, max_tokens 1, with a model it
 * serves, bounded by its inference timeout (a live request's). Anything but a 2xx JSON answer keeps it stalled.
 */
async function probeGeneration(db: Db, row: EndpointRow): Promise<HealthProbe> {
  const [served] = await db
    .select({ modelId: endpointModels.modelId })
    .from(endpointModels)
    .where(eq(endpointModels.endpointId, row.id))
    .orderBy(asc(endpointModels.modelId))
    .limit(1);
  if (!served)
    return { outcome: "bad_answer", latencyMs: null, error: `${STALL_REASON} (no model to probe a generation with)` };
  const r = await upstreamJson(row.baseUrl, "/v1/chat/completions", {
    apiKey: endpointApiKey(row),
    method: "POST",
    body: generationProbeBody(served.modelId),
    timeoutMs: row.inferenceTimeoutSecs * 1000,
  });
  if (r.kind === "ok") return { outcome: "success", latencyMs: r.latencyMs, error: null };
  return { outcome: "bad_answer", latencyMs: r.latencyMs, error: `${STALL_REASON} (generation probe: ${r.error})` };
}

/** The passive signal: a live request failed to connect, timed out or got a 5xx. */
export async function reportEndpointFailure(db: Db, endpointId: string, reason: string): Promise<void> {
  const [row] = await db.select().from(endpoints).where(eq(endpoints.id, endpointId));
  if (!row) return;
  const next = passiveFailure(row);
  if (next.status !== row.status) {
    await db
      .update(endpoints)
      .set({ status: next.status, consecutiveFailures: next.consecutiveFailures, lastError: reason })
      .where(eq(endpoints.id, endpointId));
    await publishChange(db, "registry", endpointId);
  }
  runtime().events.emit("check-now", endpointId);
}
