import { describe, expect, it } from "vitest";
import { HEALTHY, afterFailure, afterProbe, afterSuccess, shareOf } from "./outcomes";

describe("passive outcomes", () => {
  it("cooldown grows fourfold with each failure in a row, capped at 60 s", () => {
    let h = HEALTHY;
    const cooldowns: number[] = [];
    for (let i = 0; i < 8; i++) {
      h = afterFailure(h, 0);
      cooldowns.push(h.cooldownUntil);
    }
    expect(cooldowns).toEqual([1000, 4000, 16000, 60000, 60000, 60000, 60000, 60000]);
  });
  it.each([
    ["healthy", HEALTHY, 0, 1],
    ["in cooldown", { failures: 1, cooldownUntil: 1000, rampFrom: null }, 999, 0],
    ["probed after cooldown", { failures: 1, cooldownUntil: 1000, rampFrom: null }, 1000, 0.05],
    ["ramp start", { failures: 0, cooldownUntil: 0, rampFrom: 0 }, 0, 0.05],
    ["ramp half", { failures: 0, cooldownUntil: 0, rampFrom: 0 }, 15_000, 0.525],
    ["ramp end", { failures: 0, cooldownUntil: 0, rampFrom: 0 }, 30_000, 1],
  ])("share: %s", (_n, h, now, share) => expect(shareOf(h, now)).toBeCloseTo(share, 6));
  it("one probe at a time once the cooldown is over", () => {
    const failing = afterFailure(HEALTHY, 0);
    const probing = afterProbe(failing, 1000);
    expect(shareOf(probing, 1500)).toBe(0);
    expect(shareOf(probing, 2000)).toBe(0.05);
    expect(afterProbe(HEALTHY, 5)).toBe(HEALTHY);
    expect(afterFailure(probing, 1200).cooldownUntil).toBe(1200 + 4000);
  });
  it("a success after failures starts the ramp; the ramp ends after 30 s", () => {
    const failed = afterFailure(afterFailure(HEALTHY, 0), 0);
    const back = afterSuccess(failed, 5000);
    expect(back).toEqual({ failures: 0, cooldownUntil: 0, rampFrom: 5000 });
    expect(afterSuccess(back, 20_000)).toBe(back);
    expect(afterSuccess(back, 35_000)).toEqual(HEALTHY);
    expect(afterSuccess(HEALTHY, 1)).toBe(HEALTHY);
  });
});
