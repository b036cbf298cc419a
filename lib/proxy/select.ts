/** What endpoint choice needs to know about one candidate. */
export interface Candidate {
  id: string;
  inflight: number;
  maxConcurrency: number | null;
  /** measured tokens/s for this model, null until measured */
  tps: number | null;
}

export type Pick = { kind: "picked"; id: string } | { kind: "saturated" } | { kind: "none" };

/**
 * The endpoint choice: among candidates below their max_concurrency, those with the fewest in-flight requests; among
 * them smooth weighted round-robin (nginx's) with weight = TPS, unmeasured endpoints weighing as the fastest
 * measured one. `current` holds the round-robin state (per model) and is updated. Pure apart from `current`.
 */
export function pickEndpoint(candidates: readonly Candidate[], current: Map<string, number>): Pick {
  if (!candidates.length) return { kind: "none" };
  let minInflight = Infinity;
  let maxTps = 0;
  for (const c of candidates) {
    if (c.maxConcurrency !== null && c.inflight >= c.maxConcurrency) continue;
    if (c.inflight < minInflight) minInflight = c.inflight;
    if (c.tps !== null && c.tps > maxTps) maxTps = c.tps;
  }
  if (minInflight === Infinity) return { kind: "saturated" };
  const fallback = maxTps > 0 ? maxTps : 1;
  const level = candidates.filter(
    (c) => c.inflight === minInflight && (c.maxConcurrency === null || c.inflight < c.maxConcurrency),
  );
  return {
    kind: "picked",
    id: smoothRoundRobin(
      level,
      (c) => c.id,
      (c) => (c.tps !== null && c.tps > 0 ? c.tps : fallback),
      current,
    ).id,
  };
}

/** Smooth weighted round-robin (nginx's) over a non-empty list: `current` holds the state per id and is updated. */
export function smoothRoundRobin<T>(
  items: readonly T[],
  idOf: (item: T) => string,
  weightOf: (item: T) => number,
  current: Map<string, number>,
): T {
  let total = 0;
  let best = items[0];
  let bestWeight = -Infinity;
  for (const item of items) {
    const weight = weightOf(item);
    const w = (current.get(idOf(item)) ?? 0) + weight;
    current.set(idOf(item), w);
    total += weight;
    if (w > bestWeight) {
      bestWeight = w;
      best = item;
    }
  }
  current.set(idOf(best), bestWeight - total);
  return best;
}
