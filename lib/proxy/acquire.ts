// Choosing an endpoint for one attempt: the routing policy over the model's routable endpoints not yet tried, and
// the reservation of the one chosen (./exchange.ts calls it directly, and again from the admission queue).
import type { DataPlane } from "./data-plane";
import type { ExchangeInput } from "./exchange";
import type { RequestRecord } from "./record";
import type { Choice, RouteReason } from "./route-choice";
import type { RouteEndpoint } from "./routing-table";
import { pickEndpoint, type Candidate } from "./select";

/** What a choice reads and records: the request's endpoints, its input, and why the endpoint it got was chosen. */
export interface Acquirer {
  readonly plane: DataPlane;
  readonly ids: readonly string[];
  readonly input: Pick<ExchangeInput, "rec" | "pinned" | "tokens">;
  route: { reason: RouteReason; cold: boolean };
}

/** Whose request this is, for the admission queue's fairness: one API key, or one signed-in user. */
export const callerKey = (rec: RequestRecord) => (rec.principal ? `${rec.principal.kind}:${rec.principal.id}` : "");

/** Chooses and reserves an endpoint for the model among those not yet tried: its id, or why not. */
export function tryAcquire(ex: Acquirer, tried: readonly string[]): string | "saturated" | "none" | "too-long" {
  const { table, fleet } = ex.plane;
  const model = ex.input.rec.model!;
  const eps: RouteEndpoint[] = [];
  for (const id of ex.ids) {
    const ep = table.endpoints.get(id);
    if (table.isRoutable(ep) && !tried.includes(id)) eps.push(ep);
  }
  let pick: Choice;
  if (fleet.policy === "fleet") pick = fleet.choose(eps, model, table, ex.input.tokens);
  else {
    const candidates: Candidate[] = eps.map((ep) => ({
      id: ep.id,
      inflight: fleet.policy === "round-robin" ? 0 : (table.inflight.get(ep.id) ?? 0),
      maxConcurrency: ep.maxConcurrency,
      tps: fleet.policy === "round-robin" ? 1 : table.tpsOf(ep.id, model),
    }));
    const legacy = pickEndpoint(candidates, table.roundRobin(model));
    pick =
      legacy.kind === "picked"
        ? { ...legacy, reason: "least-loaded", cold: fleet.loaded(legacy.id, model) === false }
        : legacy;
  }
  if (pick.kind !== "picked") return pick.kind;
  ex.route = { reason: ex.input.pinned ? "pinned" : pick.reason, cold: pick.cold };
  table.acquire(pick.id);
  return pick.id;
}
