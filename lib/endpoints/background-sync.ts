import "server-only";
import type { Db } from "../db/client";
import type { EndpointRow } from "../db/schema";
import { log } from "../observability/logger";
import { applyModels, fetchModels } from "./sync";

const running = new Map<string, Promise<void>>();

/**
 * A model sync off the health check: the check's verdict (online, error, offline) never waits for model lists and
 * per-model metadata, which on an endpoint with many slow models took minutes while its status stood still. One
 * sync per endpoint at a time; a check that finds one running starts none. On failure the models are kept.
 */
export function syncModelsInBackground(db: Db, row: EndpointRow): void {
  if (running.has(row.id)) return;
  const sync = (async () => {
    const models = await fetchModels(row);
    if (models.kind !== "ok") return log.warn("model sync failed", { endpoint: row.id, error: models.error });
    await applyModels(db, row, models.models);
  })()
    .catch((err: unknown) => log.error("model sync failed", { endpoint: row.id, error: String(err) }))
    .finally(() => running.delete(row.id));
  running.set(row.id, sync);
}

/** Resolves once the syncs running now have ended (each is bounded by the metadata budget and the probe timeout). */
export async function backgroundSyncsSettled(): Promise<void> {
  await Promise.all(running.values());
}
