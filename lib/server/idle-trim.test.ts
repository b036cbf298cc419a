import { describe, expect, it } from "vitest";
import { idleCheck, type TrimState } from "./idle-trim";

describe("idleCheck", () => {
  it("trims once after traffic stops, not while it runs, not again while idle", () => {
    const s: TrimState = { seen: 0, trimmedAt: 0 };
    expect(idleCheck(s, 0, 0)).toBe(false); // never any traffic
    expect(idleCheck(s, 100, 3)).toBe(false); // traffic
    expect(idleCheck(s, 250, 0)).toBe(false); // still traffic
    expect(idleCheck(s, 250, 0)).toBe(true); // none since the last check
    expect(idleCheck(s, 250, 0)).toBe(false); // already trimmed
    expect(idleCheck(s, 251, 0)).toBe(false);
    expect(idleCheck(s, 251, 0)).toBe(true); // a new burst, over
  });

  it("waits while a request is still in flight", () => {
    const s: TrimState = { seen: 0, trimmedAt: 0 };
    expect(idleCheck(s, 5, 1)).toBe(false);
    expect(idleCheck(s, 5, 1)).toBe(false); // a long stream: not idle
    expect(idleCheck(s, 5, 0)).toBe(true);
  });
});
