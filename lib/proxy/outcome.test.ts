import { describe, expect, it } from "vitest";
import { outcomeOf } from "./outcome";

describe("outcomeOf", () => {
  it.each([
    [200, null, "success"],
    [200, "client_disconnected", "cancelled"],
    [0, "client_disconnected", "cancelled"],
    [200, "upstream_stream_error", "incomplete"],
    [502, "upstream_error", "error"],
    [404, null, "error"],
    [200, "upstream_timeout", "error"],
    [0, null, "error"],
  ] as const)("status %i, code %s → %s", (status, errorCode, outcome) => {
    expect(outcomeOf({ status, errorCode })).toBe(outcome);
  });
});
