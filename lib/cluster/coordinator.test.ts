import { describe, expect, it } from "vitest";
import { changedElsewhere } from "./coordinator";

describe("changedElsewhere", () => {
  it("is false only when the counter moved by exactly this instance's own changes", () => {
    expect(changedElsewhere("7", "7", 0)).toBe(false);
    expect(changedElsewhere("7", "10", 3)).toBe(false);
    expect(changedElsewhere("7", "11", 3)).toBe(true); // one more than ours: another instance
    expect(changedElsewhere("7", "8", 0)).toBe(true);
    expect(changedElsewhere("7", "7", 1)).toBe(true); // ours not landed yet: reload anyway
  });
});
