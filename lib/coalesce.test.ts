import { describe, expect, it } from "vitest";
import { coalesced } from "./coalesce";

describe("coalesced", () => {
  it("folds calls made during a run into exactly one more run", async () => {
    let runs = 0;
    let release!: () => void;
    const job = coalesced(async () => {
      runs++;
      if (runs === 1) await new Promise<void>((r) => (release = r));
    });
    const a = job();
    const b = job();
    const c = job();
    expect(runs).toBe(1);
    release();
    await Promise.all([a, b, c]);
    expect(runs).toBe(2);
    await job();
    expect(runs).toBe(3);
  });
});

describe("coalesced with a gap", () => {
  it("runs at once after a quiet spell, and otherwise no sooner than the gap after the previous run", async () => {
    const starts: number[] = [];
    const job = coalesced(async () => void starts.push(performance.now()), { gapMs: 60 });
    const first = job(); // quiet until now: starts at once
    expect(starts).toHaveLength(1);
    const folded = [job(), job(), job()]; // called while it runs: one more run, after the gap
    await Promise.all([first, ...folded]);
    expect(starts).toHaveLength(2);
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(55);
    await job(); // right after a run ended: waits for the gap too
    expect(starts).toHaveLength(3);
    expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(55);
    await new Promise((r) => setTimeout(r, 80));
    const t = performance.now();
    await job(); // after a quiet spell longer than the gap: no wait
    expect(starts[3] - t).toBeLessThan(30);
  });
});
