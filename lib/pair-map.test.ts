import { describe, expect, it } from "vitest";
import { PairMap } from "./pair-map";

describe("PairMap", () => {
  it("keeps a value per pair, lists them, drops by first key, and clones independently", () => {
    const m = new PairMap<number>();
    m.set("e1", "a", 1);
    m.set("e1", "b", 2);
    m.set("e2", "a", 3);
    expect([m.get("e1", "b"), m.get("e2", "b"), m.has("e2", "a"), m.has("e3", "a")]).toEqual([
      2,
      undefined,
      true,
      false,
    ]);
    const copy = m.clone();
    m.retainFirst((first) => first !== "e1");
    expect([...m.entries()]).toEqual([["e2", "a", 3]]);
    copy.set("e2", "a", 4);
    expect(m.get("e2", "a")).toBe(3);
    expect([...copy.entries()]).toEqual([
      ["e1", "a", 1],
      ["e1", "b", 2],
      ["e2", "a", 4],
    ]);
  });
});
