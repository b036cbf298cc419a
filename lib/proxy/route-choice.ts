// The fleet-aware endpoint choice, one pure function: the clock and the randomness come in as values.
//
// 1. Context fit: candidates whose loaded (or maximum) context cannot take prompt + max_tokens are skipped; when
//    none can, the request is refused before any upstream is called.
// 2. Passive outcomes: an endpoint in cooldown takes nothing; one probed after it, or ramping back up, takes its
//    share (./outcomes.ts) of the requests by a draw of `random`; when nothing else is left the best share is
//    used, so nobody starves.
// 3. Expected wait: ttft + the work queued ahead of this request (the larger of our in-flight count and the
//    engine's own running + waiting, which includes ours) over the engine's parallel slots; a cold model adds its
//    measured load time (15 s until measured) and a model we just sent to a cold endpoint counts as loading.
// 4. Warm first: a cold endpoint is used only when every warm one's expected wait exceeds its load time (by half
//    again: the load evicts another model).
// 5. Among the candidates within 2× of the least expected wait, smooth weighted round-robin (nginx's) with
//    weight 1 / expected wait: equals share equally, one twice as fast gets twice the share, a slower one is not
//    starved, and an unmeasured endpoint counts as the fastest measured one so it is explored.
import { smoothRoundRobin, type Pick as LegacyPick } from "./select";

export type Residency = "warm" | "cold" | "unknown";
export type RouteReason = "warm" | "least-loaded" | "only-fit" | "cold" | "explore" | "pinned";

export interface FleetCandidate {
  id: string;
  inflight: number;
  maxConcurrency: number | null;
  /** the engine's own count of requests running + waiting (fresh telemetry), null when unknown */
  engineLoad: number | null;
  /** parallel slots when the engine says (llama.cpp), else null (counted as 1) */
  slots: number | null;
  residency: Residency;
  /** the model's loaded or maximum context, null when unknown */
  context: number | null;
  ttftMs: number | null;
  tps: number | null;
  /** measured cold-load time of this model here (ms), null until measured */
  coldLoadMs: number | null;
  /** still loading after we sent it there cold (ms left) */
  loadingMs: number;
  /** 0–1, from ./outcomes.ts */
  share: number;
}

export interface ChoiceInput {
  promptTokens: number;
  maxTokens: number;
  /** 0 ≤ x < 1, injected */
  random: () => number;
}

export type Choice =
  | { kind: "picked"; id: string; reason: Exclude<RouteReason, "pinned">; cold: boolean }
  | { kind: "too-long"; need: number }
  | Exclude<LegacyPick, { kind: "picked" }>;

export const CHOICE_RULES = {
  defaultColdLoadMs: 15_000,
  coldMargin: 1.5,
  defaultTtftMs: 500,
  expectedOutputTokens: 256,
  tie: 2,
  tieSlackMs: 5,
} as const;

interface Scored {
  c: FleetCandidate;
  wait: number;
  measured: boolean;
}

export function chooseEndpoint(
  candidates: readonly FleetCandidate[],
  input: ChoiceInput,
  rr: Map<string, number>,
  rules = CHOICE_RULES,
): Choice {
  if (!candidates.length) return { kind: "none" };
  // the prompt's estimate (a walk over its messages and tools) is asked for only when a context is known
  const fits = candidates.some((c) => c.context !== null);
  const need = fits ? input.promptTokens + input.maxTokens : 0;
  const fitting = fits ? keep(candidates, (c) => c.context === null || need <= c.context) : candidates;
  if (!fitting.length) return { kind: "too-long", need };
  const open = keep(fitting, (c) => c.maxConcurrency === null || c.inflight < c.maxConcurrency);
  if (!open.length) return { kind: "saturated" };
  // passive outcomes: a draw against each endpoint's share; the ones that pass, else the best share, stay
  const passed = keep(open, (c) => c.share >= 1 || (c.share > 0 && input.random() < c.share));
  const allowed = passed.length ? passed : bestShare(open);

  let bestTtft = Infinity;
  let bestTps = 0;
  for (const c of allowed) {
    if (c.ttftMs !== null) bestTtft = Math.min(bestTtft, c.ttftMs);
    if (c.tps !== null) bestTps = Math.max(bestTps, c.tps);
  }
  const outTokens = Math.min(input.maxTokens || rules.expectedOutputTokens, rules.expectedOutputTokens * 4);
  const scored: Scored[] = allowed.map((c) => {
    const ttft = c.ttftMs ?? (Number.isFinite(bestTtft) ? bestTtft : rules.defaultTtftMs);
    const tps = c.tps ?? (bestTps || null);
    const service = ttft + (tps ? (outTokens / tps) * 1000 : 0);
    const slots = Math.max(1, c.slots ?? 1);
    const load = Math.max(c.inflight, c.engineLoad ?? 0);
    const queued = Math.max(0, load + 1 - slots) / slots;
    const cold = c.residency === "cold" ? (c.coldLoadMs ?? rules.defaultColdLoadMs) : 0;
    return { c, wait: ttft + queued * service + cold + c.loadingMs, measured: c.ttftMs !== null || c.tps !== null };
  });

  // an endpoint probed after its cooldown, or ramping back up, that won its draw takes the request: its share is
  // a share of the traffic (its TTFT EMA still carries the failures, so the comparison below would starve it)
  let drawn: Scored | null = null;
  for (const s of scored) if (s.c.share < 1 && passed.includes(s.c) && (!drawn || s.wait < drawn.wait)) drawn = s;
  if (drawn) return { kind: "picked", id: drawn.c.id, reason: "explore", cold: drawn.c.residency === "cold" };

  const warm = keep(scored, (s) => s.c.residency !== "cold");
  const cold = warm.length === scored.length ? [] : scored.filter((s) => s.c.residency === "cold");
  const minWarm = leastWait(warm);
  // a cold endpoint only when every warm one's expected wait exceeds its cold-load time — by half again, since the
  // load also evicts a model someone else may want next
  const coldOk = cold.filter((s) => minWarm > rules.coldMargin * (s.c.coldLoadMs ?? rules.defaultColdLoadMs));
  const pool = coldOk.length ? warm.concat(coldOk) : warm;
  const best = leastWait(pool);
  const ties = keep(pool, (s) => s.wait <= best * rules.tie + rules.tieSlackMs);
  const picked = smoothRoundRobin(
    ties,
    (s) => s.c.id,
    (s) => 1000 / Math.max(1, s.wait),
    rr,
  );
  const reason: Exclude<RouteReason, "pinned"> =
    picked.c.residency === "cold"
      ? "cold"
      : fitting.length < candidates.length
        ? "only-fit"
        : cold.length
          ? "warm"
          : !picked.measured
            ? "explore"
            : "least-loaded";
  return { kind: "picked", id: picked.c.id, reason, cold: picked.c.residency === "cold" };
}

/** The items that pass, in order; the list itself when all do (the usual case: no copy per request). */
function keep<T>(items: readonly T[], pass: (item: T) => boolean): readonly T[] {
  let out: T[] | null = null;
  for (let i = 0; i < items.length; i++) {
    // each item's test runs once, in order (the share's test draws a random number)
    if (pass(items[i])) out?.push(items[i]);
    else out ??= items.slice(0, i);
  }
  return out ?? items;
}

function leastWait(scored: readonly Scored[]): number {
  let least = Infinity;
  for (const s of scored) if (s.wait < least) least = s.wait;
  return least;
}

function bestShare(cs: readonly FleetCandidate[]): readonly FleetCandidate[] {
  const top = Math.max(...cs.map((c) => c.share));
  return cs.filter((c) => c.share === top);
}
