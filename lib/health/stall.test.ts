import { describe, expect, it } from "vitest";
import { STALL_LIMIT, STALL_WINDOW_MS, recordStall } from "./stall";

describe("recordStall", () => {
  const cases: Array<[string, number[], number, { times: number[]; wedged: boolean }]> = [
    ["the first stall is remembered", [], 1000, { times: [1000], wedged: false }],
    ["a second within the window", [1000], 2000, { times: [1000, 2000], wedged: false }],
    ["the third within 60 s: wedged, the count starts again", [1000, 2000], 60_999, { times: [], wedged: true }],
    ["the first is 60 s old: forgotten, not wedged", [1000, 2000], 61_000, { times: [2000, 61_000], wedged: false }],
    ["all old: only the new one counts", [1000, 2000], 200_000, { times: [200_000], wedged: false }],
    ["three at the same instant (concurrent requests)", [5000, 5000], 5000, { times: [], wedged: true }],
  ];
  it.each(cases)("%s", (_name, times, now, expected) => {
    expect(recordStall(times, now)).toEqual(expected);
  });

  it("takes exactly STALL_LIMIT stalls in STALL_WINDOW_MS", () => {
    let state = { times: [] as number[], wedged: false };
    const seen: boolean[] = [];
    for (let i = 0; i < STALL_LIMIT; i++)
      seen.push((state = recordStall(state.times, i * (STALL_WINDOW_MS / STALL_LIMIT))).wedged);
    expect(seen).toEqual([...Array(STALL_LIMIT - 1).fill(false), true]);
  });
});
