import { describe, expect, it } from "vitest";
import { pickDue } from "./due";

describe("pickDue", () => {
  const due = new Map([
    ["a", 1000],
    ["b", 500],
    ["c", 5000],
    ["d", 900],
  ]);
  it("takes due endpoints, most overdue first, skipping running ones, within the free slots", () => {
    expect(pickDue(due, new Set(), 1000, 32)).toEqual(["b", "d", "a"]);
    expect(pickDue(due, new Set(["b"]), 1000, 32)).toEqual(["d", "a"]);
    expect(pickDue(due, new Set(), 1000, 2)).toEqual(["b", "d"]);
    expect(pickDue(due, new Set(), 1000, 0)).toEqual([]);
    expect(pickDue(due, new Set(), 100, 5)).toEqual([]);
  });
});
