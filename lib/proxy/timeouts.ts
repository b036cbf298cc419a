// How long an attempt waits for an upstream (timeouts are ours, never a library's default). Pure.
import type { RouteEndpoint } from "./routing-table";

export interface AttemptTimeouts {
  /** for the answer's headers */
  headersTimeout: number;
  /** for each gap between body chunks */
  bodyTimeout: number;
}

/**
 * The header wait is the endpoint's inference timeout, or its model-load timeout when the model is known not to be
 * loaded (`loaded` false: a cold load may take that long; null: unknown, the inference timeout). The body's gaps
 * are always the inference timeout.
 */
export function attemptTimeouts(
  ep: Pick<RouteEndpoint, "timeoutMs" | "modelLoadTimeoutMs">,
  loaded: boolean | null,
): AttemptTimeouts {
  const headersTimeout = loaded === false ? Math.max(ep.modelLoadTimeoutMs, ep.timeoutMs) : ep.timeoutMs;
  return { headersTimeout, bodyTimeout: ep.timeoutMs };
}
