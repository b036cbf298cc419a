import { describe, expect, it } from "vitest";
import { pickDue, startBudget } from "./due";

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

describe("startBudget", () => {
  it("is 3x the steady rate of the intervals, never under the floor", () => {
    expect(startBudget(new Array(1000).fill(30), 32)).toBe(100);
    expect(startBudget([...new Array(500).fill(10), ...new Array(500).fill(60)], 32)).toBe(175);
    expect(startBudget(new Array(300).fill(30), 32)).toBe(32);
    expect(startBudget([], 32)).toBe(32);
  });
});
