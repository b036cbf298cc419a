import { describe, expect, it } from "vitest";
import { EpochCache } from "./epoch-cache";

describe("EpochCache", () => {
  it("stores the answer of a lookup when nothing was cleared meanwhile", () => {
    const c = new EpochCache<string>();
    const e = c.epoch();
    expect(c.set("k", "valid", e)).toBe(true);
    expect(c.get("k")).toBe("valid");
  });

  it("drops the answer of a lookup that started before a clear (a revocation during a slow query)", () => {
    const c = new EpochCache<string | null>();
    const slow = c.epoch(); // key check starts: the row still says valid
    c.clear(); // the key is revoked and the cache cleared while the query is in flight
    expect(c.set("k", "valid", slow)).toBe(false);
    expect(c.has("k")).toBe(false);
    // a lookup that starts after the revocation is cached
    expect(c.set("k", null, c.epoch())).toBe(true);
    expect(c.get("k")).toBeNull();
  });

  it("interleaved lookups: only those begun after the last clear are stored", () => {
    const c = new EpochCache<number>();
    const a = c.epoch();
    c.clear();
    const b = c.epoch();
    c.clear();
    const d = c.epoch();
    expect([c.set("a", 1, a), c.set("b", 2, b), c.set("d", 3, d)]).toEqual([false, false, true]);
    expect(c.size).toBe(1);
  });

  it("stays bounded: past maxEntries it starts over without refusing current lookups", () => {
    const c = new EpochCache<number>(3);
    for (let i = 0; i < 3; i++) c.set(`k${i}`, i, c.epoch());
    expect(c.set("k3", 3, c.epoch())).toBe(true);
    expect(c.size).toBe(1);
    expect(c.get("k3")).toBe(3);
  });
});
