import { describe, expect, it } from "vitest";
import { MAX_HOPS, clusterId, decideVia } from "./via";

const self = clusterId("a-long-enough-secret");
const other = clusterId("another-cluster-secret");

describe("decideVia", () => {
  it("marks a request that comes from a client", () => {
    expect(decideVia(null, self)).toEqual({ ok: true, outgoing: self });
  });
  it("appends this cluster to another cluster's mark", () => {
    expect(decideVia(other, self)).toEqual({ ok: true, outgoing: `${other}, ${self}` });
  });
  it("refuses a request that already passed this cluster, wherever it is in the list", () => {
    expect(decideVia(self, self).ok).toBe(false);
    expect(decideVia(`${other}, ${self.toUpperCase()}`, self).ok).toBe(false);
  });
  it("refuses a chain of MAX_HOPS clusters, and ignores tokens that are not cluster ids", () => {
    const chain = Array.from({ length: MAX_HOPS }, (_, i) => clusterId(`secret-number-${i}-xx`)).join(",");
    expect(decideVia(chain, self)).toEqual({ ok: false, hops: MAX_HOPS });
    expect(decideVia(`junk, ${"x".repeat(1000)}, ${other}`, self)).toEqual({ ok: true, outgoing: `${other}, ${self}` });
  });
  it("gives every instance of one cluster the same id, and different clusters different ones", () => {
    expect(clusterId("a-long-enough-secret")).toBe(self);
    expect(self).not.toBe(other);
    expect(self).toMatch(/^[0-9a-f]{16}$/);
  });
});
