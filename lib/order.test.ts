import { describe, expect, it } from "vitest";
import { byCodePoint } from "./order";

describe("byCodePoint", () => {
  it("orders by code point, upper case before lower", () => {
    expect(["b", "a", "B", "a-1", ""].sort(byCodePoint)).toEqual(["", "B", "a", "a-1", "b"]);
    expect(byCodePoint("x", "x")).toBe(0);
  });
  it("orders ISO times in time order", () => {
    expect(["2026-11-27T10:00:00.000Z", "2026-11-27T09:59:59.999Z"].sort(byCodePoint)[0]).toBe(
      "2026-11-27T09:59:59.999Z",
    );
  });
});
