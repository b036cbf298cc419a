// The control thread's side of wedged engines: the /v1 thread reports each stall of live traffic
// (`endpoint-stalled`, lib/proxy/data-plane.ts); 3 in 60 s (./stall.ts) mark the endpoint stalled until a
// generation probe passes (./check.ts).
import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { endpoints } from "../db/schema";
import { publishChange, runtime } from "../runtime";
import { reportEndpointFailure } from "./check";
import { STALL_REASON } from "./generation-probe";
import { recordStall } from "./stall";

/** The recent stall times per endpoint id (this thread's memory: the window is a minute). */
export type StallMemory = Map<string, number[]>;

/** One stall of a live request at `at`: a passive failure, or, the third in the window, the stall mark. */
export async function reportEndpointStall(
  db: Db,
  memory: StallMemory,
  endpointId: string,
  reason: string,
  at: number,
): Promise<void> {
  const verdict = recordStall(memory.get(endpointId) ?? [], at);
  if (verdict.times.length) memory.set(endpointId, verdict.times);
  else memory.delete(endpointId);
  if (!verdict.wedged) return reportEndpointFailure(db, endpointId, reason);
  const marked = await db
    .update(endpoints)
    .set({ status: "error", lastError: STALL_REASON, stalledAt: at })
    .where(eq(endpoints.id, endpointId))
    .returning({ id: endpoints.id });
  if (!marked.length) return; // deleted meanwhile
  await publishChange(db, "registry", endpointId);
  runtime().events.emit("check-now", endpointId);
}
