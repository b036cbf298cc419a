import "server-only";
import type { Db } from "../db/client";
import { env } from "../env";
import { ApiError, validationError } from "../errors";
import { defaultCapabilities } from "./models";
import { getEndpointRow } from "./read";
import { DOT_SEGMENT_REFUSAL, modelPathSegment } from "./model-path";
import { fetchModelDetail, upstreamFailure } from "./sync";

/** `GET /api/endpoints/{id}/models/{model}/info` — xLLM and Ollama only. */
export async function getModelInfo({ db, id, model }: { db: Db; id: string; model: string }) {
  if (modelPathSegment(model) === null) throw validationError("model", DOT_SEGMENT_REFUSAL);
  const row = await getEndpointRow(db, id);
  if (row.endpointType !== "xllm" && row.endpointType !== "ollama") {
    throw new ApiError(
      "metadata_not_supported",
      `model metadata is available for xllm and ollama endpoints, not ${row.endpointType}`,
    );
  }
  const r = await fetchModelDetail(row, model, env().LLMLB_HEALTH_CHECK_TIMEOUT_MS);
  if (r.kind !== "ok") {
    if (r.kind === "not_found") throw new ApiError("model_not_found", `model ${model} not found on this endpoint`);
    throw upstreamFailure(r.kind, r.error);
  }
  return {
    model,
    context_length: r.detail.contextLength,
    capabilities: r.detail.capabilities ?? defaultCapabilities(model),
  };
}
