import { describe, expect, it } from "vitest";
import { pickEndpoint, type Candidate } from "./select";

const c = (id: string, tps: number | null, inflight = 0, maxConcurrency: number | null = null): Candidate => ({
  id,
  tps,
  inflight,
  maxConcurrency,
});

function shares(cands: Candidate[], n: number) {
  const state = new Map<string, number>();
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const p = pickEndpoint(cands, state);
    if (p.kind !== "picked") throw new Error(p.kind);
    counts[p.id] = (counts[p.id] ?? 0) + 1;
  }
  return counts;
}

describe("pickEndpoint", () => {
  it("equal endpoints share equally, in a smooth interleave", () => {
    expect(shares([c("a", 50), c("b", 50)], 100)).toEqual({ a: 50, b: 50 });
    const state = new Map<string, number>();
    const seq = Array.from({ length: 4 }, () => (pickEndpoint([c("a", 50), c("b", 50)], state) as { id: string }).id);
    expect(seq).toEqual(["a", "b", "a", "b"]);
  });
  it("one twice as fast gets twice the share", () => {
    expect(shares([c("fast", 100), c("slow", 50)], 300)).toEqual({ fast: 200, slow: 100 });
  });
  it("an unmeasured endpoint weighs as the fastest measured one, so it is tried", () => {
    expect(shares([c("fast", 100), c("slow", 50), c("new", null)], 500)).toEqual({ fast: 200, slow: 100, new: 200 });
    expect(shares([c("x", null), c("y", null)], 10)).toEqual({ x: 5, y: 5 });
  });
  it("prefers the fewest in-flight requests over speed", () => {
    const p = pickEndpoint([c("fast", 1000, 3), c("slow", 1, 1)], new Map());
    expect(p).toEqual({ kind: "picked", id: "slow" });
  });
  it("skips endpoints at max_concurrency and reports saturation", () => {
    expect(pickEndpoint([c("a", 10, 1, 1), c("b", 1, 5)], new Map())).toEqual({ kind: "picked", id: "b" });
    expect(pickEndpoint([c("a", 10, 1, 1), c("b", 1, 2, 2)], new Map())).toEqual({ kind: "saturated" });
    expect(pickEndpoint([], new Map())).toEqual({ kind: "none" });
  });
  it("nobody starves: a very slow endpoint still gets its share", () => {
    const counts = shares([c("fast", 1000), c("slow", 1)], 1001);
    expect(counts.slow).toBe(1);
  });
});
