import "server-only";
import type { Principal } from "../auth/permissions";
import type { DataPlane } from "./data-plane";
import type { V1ErrorCode, V1OutcomeCode } from "./errors";
import type { Usage } from "./usage";
import { outcomeOf } from "./outcome";

/** What one /v1 request came to; becomes a request_log row and metrics when it finishes. */
export interface RequestRecord {
  started: number;
  ts: number;
  requestId: string;
  route: string;
  clientIp: string | null;
  principal: Principal | null;
  /** the model asked for; cut to a bounded length when it is not a known one */
  model: string | null;
  /** the model is in the routing table (only known models get their own /metrics series) */
  modelKnown: boolean;
  endpoint: { id: string; name: string } | null;
  /** the endpoints tried, in order (the last is `endpoint`) */
  tried: string[];
  /** the endpoint that resumed the broken stream of `endpoint` (./resume.ts), or null */
  resumedBy: { id: string; name: string } | null;
  status: number;
  ttftMs: number | null;
  usage: Usage | null;
  stream: boolean;
  retries: number;
  errorCode: V1ErrorCode | V1OutcomeCode | null;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The /metrics label of every model not in the registry: a client can invent any number of names. */
export const UNKNOWN_MODEL_LABEL = "(unknown)";

/** The request's log row and metrics, from what the plane's pieces recorded in `rec` on the way. */
export function finishRecord(plane: DataPlane, rec: RequestRecord): void {
  const durationMs = performance.now() - rec.started;
  const p = rec.principal;
  const usage = rec.usage;
  const outcome = outcomeOf(rec);
  plane.requestLog.add({
    ts: rec.ts,
    requestId: rec.requestId,
    apiKeyId: p && p.kind !== "user" ? p.id : null,
    userId: p?.kind === "user" ? p.id : null,
    clientIp: rec.clientIp,
    route: rec.route,
    model: rec.model,
    endpointId: rec.endpoint?.id ?? null,
    resumedEndpointId: rec.resumedBy?.id ?? null,
    status: rec.status,
    durationMs: round(durationMs),
    ttftMs: rec.ttftMs === null ? null : round(rec.ttftMs),
    promptTokens: usage?.promptTokens ?? null,
    completionTokens: usage?.completionTokens ?? null,
    tokensEstimated: usage?.estimated ?? false,
    stream: rec.stream,
    retries: rec.retries,
    errorCode: rec.errorCode,
    outcome,
    endpointName: rec.endpoint?.name ?? null,
    endpointsTried: rec.tried,
  });
  if (plane.accessLog) {
    const e = {
      ts: rec.ts,
      requestId: rec.requestId,
      principal: p,
      route: rec.route,
      model: rec.model,
      endpoint: rec.endpoint?.name ?? null,
      status: rec.status,
      outcome,
    };
    plane.accessLog.add({
      ...e,
      durationMs: round(durationMs),
      ttftMs: rec.ttftMs === null ? null : round(rec.ttftMs),
      promptTokens: usage?.promptTokens ?? null,
      completionTokens: usage?.completionTokens ?? null,
    });
  }
  plane.metrics.recordRequest({
    model: rec.modelKnown ? rec.model! : rec.model === null ? "" : UNKNOWN_MODEL_LABEL,
    endpoint: rec.endpoint?.name ?? "",
    status: rec.status,
    outcome,
    durationMs,
    ttftMs: rec.stream ? rec.ttftMs : null,
    promptTokens: usage?.promptTokens ?? 0,
    completionTokens: usage?.completionTokens ?? 0,
  });
}
