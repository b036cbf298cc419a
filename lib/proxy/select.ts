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
  let total = 0;
  let best: Candidate | null = null;
  let bestWeight = -Infinity;
  for (const c of candidates) {
    if (c.inflight !== minInflight || (c.maxConcurrency !== null && c.inflight >= c.maxConcurrency)) continue;
    const weight = c.tps !== null && c.tps > 0 ? c.tps : fallback;
    const w = (current.get(c.id) ?? 0) + weight;
    current.set(c.id, w);
    total += weight;
    if (w > bestWeight) {
      bestWeight = w;
      best = c;
    }
  }
  current.set(best!.id, bestWeight - total);
  return { kind: "picked", id: best!.id };
}
