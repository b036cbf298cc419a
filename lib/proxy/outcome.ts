// What a /v1 request came to, as it was: a stream cut short is not a success, nor a client that left. Pure.
import type { RequestOutcome } from "../db/constants";
import type { V1ErrorCode, V1OutcomeCode } from "./errors";

/**
 * - the client left before the answer was complete → `cancelled`
 * - the answer began and the upstream failed before its end (a cut stream) → `incomplete`
 * - an error answered (the catalogue's, an upstream's 4xx/5xx, or an error event after the stream began) → `error`
 * - else `success`
 */
export function outcomeOf(rec: { status: number; errorCode: V1ErrorCode | V1OutcomeCode | null }): RequestOutcome {
  if (rec.errorCode === "client_disconnected") return "cancelled";
  if (rec.errorCode === "upstream_stream_error") return "incomplete";
  if (rec.errorCode !== null || rec.status >= 400 || rec.status === 0) return "error";
  return "success";
}
