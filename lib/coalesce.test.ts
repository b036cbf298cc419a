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
  it("runs a first call at once and the folded rerun no sooner than the gap after the last run", async () => {
    const starts: number[] = [];
    const job = coalesced(async () => void starts.push(performance.now()), { gapMs: 60 });
    const first = job(); // starts now (its body ran synchronously)
    expect(starts).toHaveLength(1);
    const later = [job(), job(), job()]; // folded into one rerun
    await Promise.all([first, ...later]);
    expect(starts).toHaveLength(2);
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(55);
    const t = performance.now();
    await job(); // nothing running: no wait
    expect(starts).toHaveLength(3);
    expect(starts[2] - t).toBeLessThan(30);
  });
});
