// The I/O-free plan of a resume: reads what the client got, picks another online endpoint of a type that
// continues a final assistant message, and builds the continuation's request. The decisions are ./resume.ts's.
import "server-only";
import type { DataPlane } from "./data-plane";
import type { ExchangeInput } from "./exchange";
import type { RouteEndpoint } from "./routing-table";
import { ContinuationSplice, RESUMABLE_TYPES, type StreamSoFar, continuationBody, streamResumable } from "./resume";
import { pickEndpoint, type Candidate } from "./select";

/** A stream that continues on another endpoint. */
export interface Resumed {
  /** content tokens the first endpoint produced (summed into the usage) */
  tokens: number;
  /** the first content's time to first token, kept for the log */
  ttftMs: number | null;
  splice: ContinuationSplice;
}

/** The continuation: where, with what body, and how its events are rewritten; null when the stream cannot resume. */
export function planResume(
  plane: DataPlane,
  input: ExchangeInput,
  ids: readonly string[],
  brokenId: string,
  soFar: StreamSoFar,
  firstWriteAt: number | null,
): { ep: RouteEndpoint; payload: Buffer; resumed: Resumed } | null {
  if (!streamResumable(soFar)) return null;
  const { table } = plane;
  const model = input.rec.model!;
  const candidates: Candidate[] = [];
  for (const id of ids) {
    const ep = table.endpoints.get(id);
    if (id === brokenId || !table.isRoutable(ep) || !RESUMABLE_TYPES.has(ep.type)) continue;
    candidates.push({
      id,
      inflight: table.inflight.get(id) ?? 0,
      maxConcurrency: ep.maxConcurrency,
      tps: table.tpsOf(id, model),
    });
  }
  const pick = pickEndpoint(candidates, table.roundRobin(model));
  if (pick.kind !== "picked") return null;
  const ep = table.endpoints.get(pick.id)!;
  const body = continuationBody(JSON.parse(input.payload.toString("utf8")) as Record<string, unknown>, ep.type, soFar);
  if (!body) return null;
  table.acquire(ep.id);
  const ttftMs = firstWriteAt === null ? null : firstWriteAt - input.rec.started;
  return {
    ep,
    payload: Buffer.from(JSON.stringify(body)),
    resumed: { tokens: soFar.tokens, ttftMs, splice: new ContinuationSplice(soFar.id, soFar.model, soFar.tokens) },
  };
}
