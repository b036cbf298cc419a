import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { endpoints, healthChecks, type EndpointRow } from "../db/schema";
import { env } from "../env";
import { runtime, publishChange } from "../runtime";
import { syncModelsInBackground } from "../endpoints/background-sync";
import { nextStatus, passiveFailure } from "./transition";
import { probeHealth, type HealthProbe } from "./probe";

/** Records one check's outcome: endpoint fields, a health_checks row, and a registry change if the status moved. */
export async function recordCheck(db: Db, row: EndpointRow, probe: HealthProbe, now = Date.now()): Promise<EndpointRow> {
  const next = nextStatus({ status: row.status, consecutiveFailures: row.consecutiveFailures }, probe.outcome);
  const ok = probe.outcome === "success";
  const patch: Partial<EndpointRow> = {
    status: next.status,
    consecutiveFailures: next.consecutiveFailures,
    lastCheckedAt: now,
    lastError: ok ? null : probe.error,
    ...(probe.latencyMs !== null ? { latencyMs: probe.latencyMs } : {}),
    ...(ok ? { lastSeenAt: now } : {}),
    ...(probe.detectedType && probe.detectedType !== row.endpointType ? { endpointType: probe.detectedType, typeDetectedAt: now } : {}),
  };
  await db.batch([
    db.update(endpoints).set(patch).where(eq(endpoints.id, row.id)),
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
  if (updated.status !== row.status || updated.endpointType !== row.endpointType) await publishChange(db, "registry", row.id);
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
  const probe = await probeHealth(row, env().LLMLB_HEALTH_CHECK_TIMEOUT_MS);
  runtime().events.emit("health-checked", (performance.now() - t0) / 1000);
  const updated = await recordCheck(db, row, probe);
  if (needsModelSync(updated, Date.now(), env().LLMLB_MODEL_SYNC_INTERVAL)) syncModelsInBackground(db, updated);
  return updated;
}

/** The passive signal: a live request failed to connect, timed out or got a 5xx. */
export async function reportEndpointFailure(db: Db, endpointId: string, reason: string): Promise<void> {
  const [row] = await db.select().from(endpoints).where(eq(endpoints.id, endpointId));
  if (!row) return;
  const next = passiveFailure(row);
  if (next.status !== row.status) {
    await db.update(endpoints).set({ status: next.status, consecutiveFailures: next.consecutiveFailures, lastError: reason }).where(eq(endpoints.id, endpointId));
    await publishChange(db, "registry", endpointId);
  }
  runtime().events.emit("check-now", endpointId);
}
