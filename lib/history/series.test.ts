import { describe, expect, it } from "vitest";
import { fillSeries, pickBucketMs, rankIndex } from "./series";

const H = 3_600_000;

describe("pickBucketMs", () => {
  it("keeps charts at or under 60 bars", () => {
    expect(pickBucketMs(H)).toBe(60_000);
    expect(pickBucketMs(24 * H)).toBe(H);
    expect(pickBucketMs(7 * 24 * H)).toBe(3 * H);
    expect(pickBucketMs(365 * 24 * H)).toBe(24 * H);
  });
});

describe("fillSeries", () => {
  it("fills every bucket from `from` to `to`, zero where there is no row", () => {
    const from = Date.UTC(2026, 0, 1, 10, 30);
    const to = Date.UTC(2026, 0, 1, 13, 5);
    const rows = [{ bucket: Date.UTC(2026, 0, 1, 12), requests: 4, errors: 1, promptTokens: 10, completionTokens: 20 }];
    const s = fillSeries(rows, from, to, H);
    expect(s.map((p) => p.t)).toEqual([
      "2026-01-01T10:00:00.000Z",
      "2026-01-01T11:00:00.000Z",
      "2026-01-01T12:00:00.000Z",
      "2026-01-01T13:00:00.000Z",
    ]);
    expect(s.map((p) => p.requests)).toEqual([0, 0, 4, 0]);
    expect(s[2]).toMatchObject({ errors: 1, prompt_tokens: 10, completion_tokens: 20 });
  });
});

describe("rankIndex", () => {
  it("is the nearest-rank percentile index", () => {
    expect(rankIndex(0, 0.5)).toBeNull();
    expect(rankIndex(1, 0.95)).toBe(0);
    expect(rankIndex(10, 0.5)).toBe(4);
    expect(rankIndex(10, 0.95)).toBe(9);
    expect(rankIndex(100, 0.95)).toBe(94);
    expect(rankIndex(3, 0)).toBe(0);
  });
});
