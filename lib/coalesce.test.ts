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
