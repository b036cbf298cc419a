import { describe, expect, it } from "vitest";
import { keyOnMove, sameOrigin } from "./key-on-move";

describe("sameOrigin", () => {
  it.each([
    ["http://a:8000", "http://a:8000/v1", true],
    ["http://a", "http://a:80/x", true],
    ["http://a:8000", "http://a:8001", false],
    ["http://a:8000", "https://a:8000", false],
    ["http://a", "http://b", false],
    ["http://a", "not a url", false],
  ])("%s vs %s → %s", (a, b, same) => expect(sameOrigin(a, b)).toBe(same));
});

describe("keyOnMove", () => {
  const base = { from: "http://a:8000", to: "http://evil:8000", supplied: false, stored: true };
  it("drops a stored key moved to another origin", () => expect(keyOnMove(base)).toBe("clear"));
  it("keeps it for a new path on the same origin", () =>
    expect(keyOnMove({ ...base, to: "http://a:8000/openai" })).toBe("keep"));
  it("leaves it to the request when the request gives a key (or null)", () =>
    expect(keyOnMove({ ...base, supplied: true })).toBe("keep"));
  it("has nothing to clear without a stored key", () => expect(keyOnMove({ ...base, stored: false })).toBe("keep"));
  it("a port change is another origin", () => expect(keyOnMove({ ...base, to: "http://a:9000" })).toBe("clear"));
});
