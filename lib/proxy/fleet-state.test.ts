import { describe, expect, it } from "vitest";
import { contextFor } from "./fleet-state";
import type { EngineModel } from "../fleet/telemetry";
import type { TelemetryBatch } from "../fleet/poller";

const batch = (b: Partial<TelemetryBatch>): TelemetryBatch => ({
  readings: [],
  unchanged: [],
  unchangedAt: Number.POSITIVE_INFINITY,
  dropped: [],
  intervalMs: 2000,
  ...b,
});

const m = (f: Partial<EngineModel>): EngineModel => ({
  id: "m",
  loaded: false,
  contextLength: null,
  maxContextLength: null,
  vramBytes: null,
  expiresAt: null,
  ...f,
});

describe("contextFor", () => {
  it.each<[string, EngineModel | undefined, number | null, number | null, number | null]>([
    [
      "loaded: its loaded context",
      m({ loaded: true, contextLength: 4096, maxContextLength: 32768 }),
      8192,
      131072,
      4096,
    ],
    ["cold on Ollama: the engine's load context, not /api/show's maximum", undefined, 4096, 131072, 4096],
    ["cold, load context above the maximum: the maximum", m({ maxContextLength: 2048 }), 4096, null, 2048],
    ["nothing known", undefined, null, null, null],
    ["only the synced maximum", undefined, null, 8192, 8192],
  ])("%s", (_n, model, load, stored, want) => expect(contextFor(model, load, stored)).toBe(want));
});

describe("FleetState: residency between readings", () => {
  const ep = (id: string) => ({
    id,
    name: id,
    nameHeader: id,
    origin: "http://127.0.0.1:1",
    basePath: "",
    apiKey: null,
    status: "online" as const,
    type: "ollama" as const,
    maxConcurrency: null,
    modelLoadTimeoutMs: 600_000,
    timeoutMs: 1000,
  });
  const reading = (at: number, loaded: string[]) => ({
    at,
    models: loaded.map((id) => m({ id, loaded: true, contextLength: 4096 })),
    running: null,
    waiting: null,
    slots: null,
    busySlots: null,
    kvCacheUsage: null,
  });

  it("a cold load on a full engine evicts the model sent there least recently, until a newer reading", async () => {
    let now = 1000;
    const { FleetState } = await import("./fleet-state");
    const { RoutingTable } = await import("./routing-table");
    const table = new RoutingTable(async () => {
      throw new Error("no db");
    });
    table.endpoints.set("a", ep("a"));
    const fleet = new FleetState(
      "fleet",
      2000,
      () => now,
      () => 0.5,
    );
    fleet.apply(batch({ readings: [["a", reading(1000, ["m1", "m2"])]] }));
    const tokens = { promptTokens: 10, maxTokens: 10 };
    expect(fleet.choose([ep("a")], "m2", table, tokens)).toMatchObject({ kind: "picked", cold: false });
    now = 1100;
    expect(fleet.choose([ep("a")], "m3", table, tokens)).toMatchObject({ kind: "picked", reason: "cold", cold: true });
    expect(fleet.candidate(ep("a"), "m1", table).residency).toBe("cold"); // m1: least recently sent, evicted
    expect(fleet.candidate(ep("a"), "m2", table).residency).toBe("warm");
    fleet.apply(batch({ readings: [["a", reading(1200, ["m1", "m3"])]] })); // the engine says otherwise
    now = 1200;
    expect(fleet.candidate(ep("a"), "m1", table).residency).toBe("warm");
  });
});

describe("FleetState: readings and their age", () => {
  const reading = (at: number) => ({
    at,
    models: [m({ id: "m1", loaded: true, contextLength: 4096 })],
    running: 1,
    waiting: 0,
    slots: null,
    busySlots: null,
    kvCacheUsage: null,
  });
  const make = async (clock: { now: number }) => {
    const { FleetState } = await import("./fleet-state");
    return new FleetState("fleet", 2000, () => clock.now);
  };

  it("an unchanged reading (id only) keeps the endpoint fresh; without one it goes stale after 3 intervals", async () => {
    const clock = { now: 1000 };
    const fleet = await make(clock);
    fleet.apply(batch({ readings: [["a", reading(1000)]], intervalMs: 2000 }));
    clock.now = 7000;
    expect(fleet.loaded("a", "m1")).toBe(true); // 6 s: 3 intervals
    fleet.apply(batch({ unchanged: ["a", "unknown"], unchangedAt: 6500 }));
    clock.now = 12_500;
    expect(fleet.loaded("a", "m1")).toBe(true);
    clock.now = 12_501;
    expect(fleet.loaded("a", "m1")).toBeNull();
    expect(fleet.loaded("unknown", "m1")).toBeNull();
  });

  it("an older unchanged time never makes a reading older; a stretched interval stretches staleness", async () => {
    const clock = { now: 10_000 };
    const fleet = await make(clock);
    fleet.apply(batch({ readings: [["a", reading(10_000)]] }));
    fleet.apply(batch({ unchanged: ["a"], unchangedAt: 9000, intervalMs: 5000 }));
    clock.now = 25_000;
    expect(fleet.loaded("a", "m1")).toBe(true);
    expect([...fleet.freshReadings()].map(([id]) => id)).toEqual(["a"]);
    clock.now = 25_001;
    expect(fleet.loaded("a", "m1")).toBeNull();
  });

  it("dropped endpoints are forgotten before the batch's readings apply (dropped, then back)", async () => {
    const clock = { now: 1000 };
    const fleet = await make(clock);
    fleet.apply(
      batch({
        readings: [
          ["a", reading(1000)],
          ["b", reading(1000)],
        ],
      }),
    );
    fleet.apply(batch({ readings: [["b", reading(1000)]], dropped: ["a", "b"] }));
    expect(fleet.loaded("a", "m1")).toBeNull();
    expect(fleet.loaded("b", "m1")).toBe(true);
  });
});
