import "server-only";
import { englishMessage } from "../i18n/localize";
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { endpointModels, endpoints, type EndpointRow } from "../db/schema";
import { env } from "../env";
import { ApiError } from "../errors";
import { publishChange } from "../runtime";
import { parseModelList, parseOllamaShow, parseXllmInfo, type DiscoveredModel } from "./models";
import { endpointApiKey } from "./secrets";
import { LIST_LIMIT, upstreamJson } from "./upstream-http";
import { DOT_SEGMENT_REFUSAL, modelPathSegment } from "./model-path";

export type FetchModelsResult =
  | { kind: "ok"; models: DiscoveredModel[] }
  | { kind: "unreachable" | "bad"; error: string };

type Detail = { contextLength: number | null; capabilities: string[] | null };

/** Runs `fn` over items with at most `limit` at once. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/** Per-model metadata where the type offers it (Ollama `/api/show`, xLLM `/api/models/{id}/info`). */
export async function fetchModelDetail(
  row: EndpointRow,
  modelId: string,
  timeoutMs: number,
): Promise<{ kind: "ok"; detail: Detail } | { kind: "not_found" | "unreachable" | "bad"; error: string }> {
  const apiKey = endpointApiKey(row);
  const segment = modelPathSegment(modelId);
  if (row.endpointType !== "ollama" && segment === null)
    return { kind: "bad", error: `model id ${DOT_SEGMENT_REFUSAL}` };
  const r =
    row.endpointType === "ollama"
      ? await upstreamJson(row.baseUrl, "/api/show", { apiKey, method: "POST", body: { model: modelId }, timeoutMs })
      : await upstreamJson(row.baseUrl, `/api/models/${segment}/info`, { apiKey, timeoutMs });
  if (r.kind === "unreachable") return { kind: "unreachable", error: r.error };
  if (r.kind === "bad") return { kind: r.status === 404 ? "not_found" : "bad", error: r.error };
  return { kind: "ok", detail: row.endpointType === "ollama" ? parseOllamaShow(r.json) : parseXllmInfo(r.json) };
}

/**
 * Per-model metadata requests start within this long of the list's answer; later models keep the list's defaults
 * until the next sync. Without it, 1,000 models that each take the 5 s timeout held a sync for over ten minutes.
 */
export const METADATA_BUDGET_MS = 15_000;

/** Asks the endpoint which models it serves (Ollama `/api/tags`, else `/v1/models`), with metadata where offered. */
export async function fetchModels(row: EndpointRow): Promise<FetchModelsResult> {
  const timeoutMs = env().LLMLB_HEALTH_CHECK_TIMEOUT_MS;
  const path = row.endpointType === "ollama" ? "/api/tags" : "/v1/models";
  const r = await upstreamJson(row.baseUrl, path, { apiKey: endpointApiKey(row), timeoutMs, maxBytes: LIST_LIMIT });
  if (r.kind !== "ok") return { kind: r.kind, error: r.error };
  const models = parseModelList(r.json);
  if (!models) return { kind: "bad", error: englishMessage("err_not_model_list", { path }) };
  if (row.endpointType === "ollama" || row.endpointType === "xllm") {
    const until = Date.now() + METADATA_BUDGET_MS;
    const skipped = { kind: "bad", error: "metadata budget spent" } as const;
    const details = await mapLimited(models, 8, async (m) =>
      Date.now() < until ? fetchModelDetail(row, m.modelId, timeoutMs) : skipped,
    );
    details.forEach((d, i) => {
      if (d.kind !== "ok") return;
      models[i].contextLength = d.detail.contextLength ?? models[i].contextLength;
      models[i].capabilities = d.detail.capabilities ?? models[i].capabilities;
    });
  }
  return { kind: "ok", models };
}

const same = (a: DiscoveredModel, b: { capabilities: string[]; contextLength: number | null }) =>
  a.contextLength === b.contextLength && JSON.stringify(a.capabilities) === JSON.stringify(b.capabilities);

/** Replaces the endpoint's model list with what it reports. On failure the existing models are kept. */
export async function applyModels(db: Db, row: EndpointRow, models: DiscoveredModel[]) {
  const now = Date.now();
  const existing = await db.select().from(endpointModels).where(eq(endpointModels.endpointId, row.id));
  const byId = new Map(existing.map((m) => [m.modelId, m]));
  const incoming = new Set(models.map((m) => m.modelId));
  const removed = existing.filter((m) => !incoming.has(m.modelId)).map((m) => m.modelId);
  const added = models.filter((m) => !byId.has(m.modelId)).length;
  const updated = models.filter((m) => byId.has(m.modelId) && !same(m, byId.get(m.modelId)!)).length;
  const upserts = models.map((m) => {
    const values = { capabilities: m.capabilities, contextLength: m.contextLength, syncedAt: now };
    return db
      .insert(endpointModels)
      .values({ endpointId: row.id, modelId: m.modelId, ...values })
      .onConflictDoUpdate({ target: [endpointModels.endpointId, endpointModels.modelId], set: values });
  });
  await db.batch([
    db.update(endpoints).set({ modelsSyncedAt: now }).where(eq(endpoints.id, row.id)),
    ...(removed.length
      ? [
          db
            .delete(endpointModels)
            .where(and(eq(endpointModels.endpointId, row.id), inArray(endpointModels.modelId, removed))),
        ]
      : []),
    ...upserts,
  ]);
  if (added || removed.length || updated) await publishChange(db, "registry", row.id);
  return { synced_models: models.map((m) => m.modelId), added, removed: removed.length, updated };
}

/** An upstream that did not answer is 503 `endpoint_unreachable`; one that answered badly is 502 `upstream_error`. */
export const upstreamFailure = (kind: "unreachable" | "bad", error: string) =>
  new ApiError(kind === "unreachable" ? "endpoint_unreachable" : "upstream_error", error); // the error is already what happened and what to do

/** `POST /api/endpoints/{id}/sync`: 503 when unreachable, 502 on a bad answer; models kept on failure. */
export async function syncModels({ db, row }: { db: Db; row: EndpointRow }) {
  const r = await fetchModels(row);
  if (r.kind !== "ok") throw upstreamFailure(r.kind, r.error);
  return applyModels(db, row, r.models);
}
