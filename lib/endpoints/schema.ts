import { z } from "zod";
import { englishMessage } from "../i18n/localize";
import { TRAILING_V1, ENDPOINT_LIMITS as L, ENDPOINT_STATUSES, ENDPOINT_TYPES } from "../db/constants";

/** http(s) URL, no credentials, query or fragment; normalised without trailing slash. */
export const baseUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: englishMessage("val_url_absolute") });
      return z.NEVER;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      ctx.addIssue({ code: "custom", message: englishMessage("val_url_scheme") });
    else if (url.username || url.password)
      ctx.addIssue({ code: "custom", message: englishMessage("val_url_credentials") });
    else if (url.search || url.hash) ctx.addIssue({ code: "custom", message: englishMessage("val_url_query") });
    // a trailing /v1 is the SDK's base URL, not the server's: the load balancer adds /v1 itself (else every probe
    // asks /v1/v1/models and the endpoint goes `error` after it was saved); the dashboard says it was removed
    return `${url.protocol}//${url.host}${url.pathname.replace(TRAILING_V1, "").replace(/\/+$/, "")}`;
  });

const name = z.string().trim().min(1).max(L.nameMax);
const apiKey = z.string().trim().min(1).max(4096);
const interval = z.number().int().min(L.intervalMin).max(L.intervalMax);
const timeout = z.number().int().min(L.timeoutMin).max(L.timeoutMax);
const modelLoadTimeout = z.number().int().min(L.modelLoadTimeoutMin).max(L.modelLoadTimeoutMax);
/** null: by type (off for openai_compatible hosted APIs, on for the rest); see lib/health/generation-probe.ts */
const generationProbe = z.boolean().nullable();
const concurrency = z.number().int().min(1).max(L.concurrencyMax).nullable();
const notes = z.string().max(L.notesMax).nullable();

export const createEndpointSchema = z.strictObject({
  name,
  base_url: baseUrlSchema,
  api_key: apiKey.nullish(),
  health_check_interval_secs: interval.optional(),
  inference_timeout_secs: timeout.optional(),
  model_load_timeout_secs: modelLoadTimeout.optional(),
  generation_probe: generationProbe.optional(),
  max_concurrency: concurrency.optional(),
  notes: notes.optional(),
});
export type CreateEndpointInput = z.infer<typeof createEndpointSchema>;

export const updateEndpointSchema = z.strictObject({
  name: name.optional(),
  base_url: baseUrlSchema.optional(),
  api_key: apiKey.nullable().optional(),
  health_check_interval_secs: interval.optional(),
  inference_timeout_secs: timeout.optional(),
  model_load_timeout_secs: modelLoadTimeout.optional(),
  generation_probe: generationProbe.optional(),
  max_concurrency: concurrency.optional(),
  notes: notes.optional(),
});
export type UpdateEndpointInput = z.infer<typeof updateEndpointSchema>;

export const listEndpointsQuery = z.object({
  type: z.enum(ENDPOINT_TYPES).optional(),
  status: z.enum(ENDPOINT_STATUSES).optional(),
  q: z.string().max(200).optional(),
});

export const probeSchema = z.strictObject({ base_url: baseUrlSchema, api_key: apiKey.nullish() });
export const downloadSchema = z.strictObject({ model: z.string().trim().min(1).max(512) });
export const progressQuery = z.object({ model: z.string().trim().min(1).max(512) });
export const endpointIdSchema = z.uuid();
