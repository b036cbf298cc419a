import "server-only";
import type { Db } from "../db/client";
import { env } from "../env";
import { audit } from "../audit";
import type { Principal } from "../auth/permissions";
import { recordCheck, needsModelSync } from "./check";
import { probeEndpoint, type ProbeReport } from "../endpoints/probe";
import { parseMessage } from "../i18n/localize";
import { getEndpointRow } from "../endpoints/read";
import { findSameServer } from "../endpoints/same-server";
import { endpointApiKey } from "../endpoints/secrets";
import { applyModels, fetchModels } from "../endpoints/sync";

const timeoutMs = () => env().LLMLB_HEALTH_CHECK_TIMEOUT_MS;
/** The stable code of a failure (`connection_refused`, `host_not_found`, `http_status`, …): its catalogue key. */
const errorCode = (error: string | null) =>
  error ? (parseMessage(error)?.key.replace(/^(err|val)_/, "") ?? "other") : null;
/** Green only when the type is known and the model list was read: a list that fails is never a success. */
const success = (p: ProbeReport) => p.reachable && p.endpointType !== "unknown" && p.error === null;

/** `POST /api/endpoints/probe`: what is at this URL, before anything is saved; and whether it is registered already. */
export async function probeUrl({ db, baseUrl, apiKey }: { db: Db; baseUrl: string; apiKey: string | null }) {
  const [p, duplicate] = await Promise.all([
    probeEndpoint(baseUrl, apiKey, timeoutMs()),
    findSameServer({ db, baseUrl }),
  ]);
  // `ok` is the verdict the dashboard shows; `base_url` is the address as it would be saved (a trailing /v1 removed)
  return {
    ok: success(p),
    base_url: baseUrl,
    duplicate_of: duplicate,
    reachable: p.reachable,
    endpoint_type: p.endpointType,
    latency_ms: p.latencyMs,
    models_found: p.models.map((m) => m.modelId),
    error: p.error,
    error_code: errorCode(p.error),
  };
}

/** `POST /api/endpoints/{id}/test`: re-detects the type, records the outcome as a health check, syncs models when due. */
export async function testEndpoint({ db, id, actor }: { db: Db; id: string; actor: Principal }) {
  const row = await getEndpointRow(db, id);
  const p = await probeEndpoint(row.baseUrl, endpointApiKey(row), timeoutMs());
  const ok = success(p);
  const updated = await recordCheck(db, row, {
    outcome: ok ? "success" : p.reachable ? "bad_answer" : "unreachable",
    latencyMs: p.latencyMs,
    error: p.error,
    detectedType: p.endpointType === "unknown" ? undefined : p.endpointType,
  });
  if (ok && (needsModelSync(updated, Date.now(), env().LLMLB_MODEL_SYNC_INTERVAL) || p.models.length)) {
    // The probe's bare list has no per-model metadata: fetch it as a sync does (xLLM/Ollama context length, capabilities).
    const fetched = await fetchModels(updated);
    if (fetched.kind === "ok") await applyModels(db, updated, fetched.models);
  }
  await audit(db, actor, "endpoint.test", { type: "endpoint", id, details: { success: ok } });
  return {
    success: ok,
    latency_ms: p.latencyMs,
    endpoint_type: updated.endpointType,
    models_found: p.models.map((m) => m.modelId),
    error: ok ? null : p.error,
    error_code: ok ? null : errorCode(p.error),
  };
}
