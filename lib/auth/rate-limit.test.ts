import { describe, expect, it } from "vitest";
import { FailureLimiter } from "./rate-limit";

describe("FailureLimiter", () => {
  it("blocks the sixth attempt after five failures within the window, then frees it", () => {
    const l = new FailureLimiter(5, 60_000);
    for (let i = 0; i < 5; i++) {
      expect(l.retryAfter("ip|admin", 1000 + i)).toBe(0);
      l.fail("ip|admin", 1000 + i);
    }
    expect(l.retryAfter("ip|admin", 2000)).toBeGreaterThan(0);
    expect(l.retryAfter("other|admin", 2000)).toBe(0);
    expect(l.retryAfter("ip|admin", 61_001)).toBe(0);
  });
  it("reset clears a key", () => {
    const l = new FailureLimiter(1, 60_000);
    l.fail("k", 0);
    expect(l.retryAfter("k", 1)).toBeGreaterThan(0);
    l.reset("k");
    expect(l.retryAfter("k", 1)).toBe(0);
  });
  it("forgets stale keys once it holds many, so random usernames cannot grow memory without bound", () => {
    const l = new FailureLimiter(5, 60_000, 100);
    for (let i = 0; i < 100; i++) l.fail(`ip|user${i}`, 0);
    expect(l.size).toBe(100);
    l.fail("ip|late", 60_001); // the first 100 have left the window
    expect(l.size).toBe(1);
    for (let i = 0; i < 5; i++) l.fail("ip|live", 60_002 + i);
    for (let i = 0; i < 200; i++) l.fail(`ip|spray${i}`, 60_010);
    expect(l.retryAfter("ip|live", 60_020)).toBeGreaterThan(0); // a live key is never pruned
  });
});
