import { describe, expect, it } from "vitest";
import { dueCount, effectiveIntervalMs, requestsPerReading, sameReading } from "./pace";
import type { EngineTelemetry } from "./telemetry";

describe("the read budget stretches the interval", () => {
  it.each([
    ["1,000 Ollama endpoints at 2 s: 500 requests/s, within 500", 2000, 1000, 500, 2000],
    ["2,000 Ollama endpoints: 4 s", 2000, 2000, 500, 4000],
    ["1,000 llama.cpp endpoints (3 requests each): 6 s", 2000, 3000, 500, 6000],
    ["a small fleet keeps the configured interval", 5000, 10, 500, 5000],
    ["no budget", 2000, 100_000, 0, 2000],
    ["rounded up to a whole ms", 2000, 1001, 500, 2002],
  ])("%s", (_n, interval, requests, budget, want) =>
    expect(effectiveIntervalMs(interval, requests, budget)).toBe(want),
  );

  it("counts the requests a reading costs the engine", () => {
    expect([requestsPerReading("ollama"), requestsPerReading("vllm"), requestsPerReading("llamacpp")]).toEqual([
      1, 2, 3,
    ]);
    expect([requestsPerReading("lm_studio"), requestsPerReading("xllm")]).toEqual([1, 1]);
  });
});

describe("reads spread evenly over the interval", () => {
  it.each([
    [0, 2000, 1000, 1], // the first at the round's start
    [25, 2000, 1000, 13], // 12.5 due, the 13th (index 12) at 24 ms
    [1000, 2000, 1000, 501],
    [1999, 2000, 1000, 1000],
    [5000, 2000, 1000, 1000], // never more than the fleet
    [0, 2000, 3, 1],
    [700, 2000, 3, 2], // target 1 at 667 ms
    [1400, 2000, 3, 3],
    [-1, 2000, 3, 0],
    [0, 2000, 0, 0],
  ])("%i ms into a %i ms round of %i: %i due", (elapsed, interval, count, want) =>
    expect(dueCount(elapsed, interval, count)).toBe(want),
  );

  it("over one round every target is started once, at an even rate", () => {
    const starts: number[] = [];
    let cursor = 0;
    for (let t = 0; t <= 2000; t += 25) {
      const due = t < 2000 ? dueCount(t, 2000, 1000) : 1000; // the poller finishes a round as the next begins
      for (; cursor < due; cursor++) starts.push(t);
    }
    expect(starts).toHaveLength(1000);
    const perStep = new Map<number, number>();
    for (const t of starts) perStep.set(t, (perStep.get(t) ?? 0) + 1);
    expect(Math.max(...perStep.values())).toBeLessThanOrEqual(13); // 12.5 a step, never the whole fleet at once
  });
});

describe("what changed between two readings", () => {
  const r = (f: Partial<EngineTelemetry> = {}): EngineTelemetry => ({
    at: 1000,
    models: [
      { id: "a", loaded: true, contextLength: 4096, maxContextLength: null, vramBytes: 1, expiresAt: 5 },
      { id: "b", loaded: false, contextLength: null, maxContextLength: 8192, vramBytes: null, expiresAt: null },
    ],
    running: 1,
    waiting: 0,
    slots: 4,
    busySlots: 1,
    kvCacheUsage: 0.25,
    ...f,
  });

  it("the same figures read later: unchanged", () => expect(sameReading(r(), r({ at: 3000 }))).toBe(true));
  it("no previous reading: changed", () => expect(sameReading(undefined, r())).toBe(false));
  it.each<[string, Partial<EngineTelemetry>]>([
    ["running", { running: 2 }],
    ["waiting", { waiting: null }],
    ["slots", { slots: 8 }],
    ["busy slots", { busySlots: 0 }],
    ["KV cache", { kvCacheUsage: 0.5 }],
    ["a model fewer", { models: r().models.slice(0, 1) }],
    ["a model unloaded", { models: [{ ...r().models[0], loaded: false }, r().models[1]] }],
    ["its context", { models: [{ ...r().models[0], contextLength: 8192 }, r().models[1]] }],
    ["its maximum", { models: [r().models[0], { ...r().models[1], maxContextLength: 4096 }] }],
    ["its VRAM", { models: [{ ...r().models[0], vramBytes: 2 }, r().models[1]] }],
    ["its expiry", { models: [{ ...r().models[0], expiresAt: 6 }, r().models[1]] }],
    ["another model", { models: [{ ...r().models[0], id: "c" }, r().models[1]] }],
  ])("%s differs: changed", (_n, f) => expect(sameReading(r(), r(f))).toBe(false));
});
