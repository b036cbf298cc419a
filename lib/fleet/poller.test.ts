// The poller's schedule and what it publishes, with its reads and the registry query replaced (timers faked):
// reads spread over the interval, one message per 250 ms, unchanged readings as ids, deleted endpoints dropped.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "../db/client";
import { PUBLISH_MS, TelemetryPoller, type TelemetryBatch } from "./poller";
import type { TelemetryTarget } from "./read";
import type { EngineTelemetry } from "./telemetry";

const reading = (at: number, running = 0): EngineTelemetry => ({
  at,
  models: [],
  running,
  waiting: 0,
  slots: null,
  busySlots: null,
  kvCacheUsage: null,
});

function setup(count: number, opts: { readsPerSec?: number } = {}) {
  let rows = Array.from({ length: count }, (_, i) => ({
    id: `e${i}`,
    endpointType: "ollama",
    baseUrl: `http://127.0.0.1:1/${i}`,
    apiKey: null,
  }));
  const db = { select: () => ({ from: () => ({ where: async () => rows }) }) } as unknown as Db;
  const starts: Array<[id: string, at: number]> = [];
  const running = new Map<string, number>();
  const batches: TelemetryBatch[] = [];
  const latest = new Map<string, EngineTelemetry>();
  const poller = new TelemetryPoller({
    db,
    intervalMs: 2000,
    readsPerSec: opts.readsPerSec ?? 500,
    timeoutMs: 1500,
    publish: (b) => batches.push(b),
    latest,
    read: async (t: TelemetryTarget) => {
      starts.push([t.id, Date.now()]);
      return reading(Date.now(), running.get(t.id) ?? 0);
    },
  });
  return {
    poller,
    starts,
    batches,
    latest,
    running,
    remove: (id: string) => void (rows = rows.filter((r) => r.id !== id)),
  };
}

beforeEach(() => void vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => void vi.useRealTimers());

describe("TelemetryPoller", () => {
  it("spreads a round's reads evenly over the interval, each endpoint once per interval", async () => {
    const p = setup(100);
    await p.poller.start();
    await vi.advanceTimersByTimeAsync(6000 - 1);
    p.poller.stop();
    const perEndpoint = new Map<string, number[]>();
    for (const [id, at] of p.starts) (perEndpoint.get(id) ?? perEndpoint.set(id, []).get(id)!).push(at);
    expect(perEndpoint.size).toBe(100);
    for (const times of perEndpoint.values()) {
      expect(times.length).toBeGreaterThanOrEqual(2); // the round's last ones start as the next round begins
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBe(2000);
    }
    // never more than one 25 ms step's share (100 / 80 steps) at the same moment
    const perMoment = new Map<number, number>();
    for (const [, at] of p.starts) perMoment.set(at, (perMoment.get(at) ?? 0) + 1);
    expect(Math.max(...perMoment.values())).toBeLessThanOrEqual(2);
  });

  it("publishes at most every 250 ms: changed readings in full, unchanged ones as ids", async () => {
    const p = setup(10);
    await p.poller.start();
    await vi.advanceTimersByTimeAsync(2000);
    const first = p.batches.flatMap((b) => b.readings.map(([id]) => id));
    expect(new Set(first).size).toBe(10); // the first reading of each is new
    const n = p.batches.length;
    expect(n).toBeLessThanOrEqual(2000 / PUBLISH_MS + 1);
    p.running.set("e3", 2); // e3's engine gets busy
    await vi.advanceTimersByTimeAsync(2000);
    const later = p.batches.slice(n);
    expect(later.flatMap((b) => b.readings.map(([id]) => id))).toEqual(["e3"]);
    const unchanged = later.flatMap((b) => b.unchanged);
    expect(unchanged.sort()).toEqual(["e0", "e1", "e2", "e4", "e5", "e6", "e7", "e8", "e9"]);
    for (const b of later) if (b.unchanged.length) expect(b.unchangedAt).toBeGreaterThan(1_000_000 + 2000 - 1);
    expect(p.latest.get("e3")?.running).toBe(2);
    p.poller.stop();
  });

  it("drops an endpoint gone from the registry, and the budget stretches the interval", async () => {
    const p = setup(1500, { readsPerSec: 500 });
    await p.poller.start();
    expect(p.poller.intervalMs).toBe(3000); // 1,500 requests a round at 500/s
    await vi.advanceTimersByTimeAsync(3000);
    expect(p.batches.every((b) => b.intervalMs === 3000)).toBe(true);
    p.remove("e7");
    await p.poller.reload();
    await vi.advanceTimersByTimeAsync(PUBLISH_MS);
    expect(p.batches.at(-1)?.dropped).toEqual(["e7"]);
    expect(p.latest.has("e7")).toBe(false);
    p.poller.stop();
  });
});
