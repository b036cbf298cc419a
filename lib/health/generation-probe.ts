// The one-token generation probe : an endpoint taken out of routing because its live
// completions stalled comes back only once it generates again. Paid hosted APIs are not probed unless asked.
import type { EndpointRow } from "../db/schema";

/** The last_error of an endpoint taken out of routing for stalled completions (lib/health/stall.ts, lib/health/stall-report.ts). */
export const STALL_REASON = "completions stall";

/** Whether the endpoint's health checks may generate a token: its own setting, else off for hosted APIs only. */
export const generationProbeOn = (row: Pick<EndpointRow, "generationProbe" | "endpointType">): boolean =>
  row.generationProbe ?? row.endpointType !== "openai_compatible";

/** Whether this check must generate a token before the endpoint returns to routing (it is marked stalled). */
export const needsGenerationProbe = (
  row: Pick<EndpointRow, "generationProbe" | "endpointType" | "stalledAt">,
): boolean => row.stalledAt !== null && generationProbeOn(row);

/** The request of the probe: one token of the model, nothing to remember. */
export const generationProbeBody = (model: string) => ({
  model,
  messages: [{ role: "user", content: "ping" }],
  max_tokens: 1,
  stream: false,
});
