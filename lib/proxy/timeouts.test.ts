import { describe, expect, it } from "vitest";
import { attemptTimeouts } from "./timeouts";

describe("attemptTimeouts", () => {
  const ep = { timeoutMs: 120_000, modelLoadTimeoutMs: 600_000 };
  it.each([
    [true, 120_000],
    [null, 120_000],
    [false, 600_000],
  ] as const)("model loaded %s → headers wait %i ms, body gaps the inference timeout", (loaded, headers) => {
    expect(attemptTimeouts(ep, loaded)).toEqual({ headersTimeout: headers, bodyTimeout: 120_000 });
  });
  it("a model-load timeout below the inference timeout never shortens the wait", () => {
    expect(attemptTimeouts({ timeoutMs: 600_000, modelLoadTimeoutMs: 60_000 }, false).headersTimeout).toBe(600_000);
  });
});
