import { describe, expect, it } from "vitest";
import { contextFor } from "./fleet-state";
import type { EngineModel } from "../fleet/telemetry";

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
    fleet.apply({ readings: [["a", reading(1000, ["m1", "m2"])]], dropped: [] });
    const tokens = { promptTokens: 10, maxTokens: 10 };
    expect(fleet.choose([ep("a")], "m2", table, tokens)).toMatchObject({ kind: "picked", cold: false });
    now = 1100;
    expect(fleet.choose([ep("a")], "m3", table, tokens)).toMatchObject({ kind: "picked", reason: "cold", cold: true });
    expect(fleet.candidate(ep("a"), "m1", table).residency).toBe("cold"); // m1: least recently sent, evicted
    expect(fleet.candidate(ep("a"), "m2", table).residency).toBe("warm");
    fleet.apply({ readings: [["a", reading(1200, ["m1", "m3"])]], dropped: [] }); // the engine says otherwise
    now = 1200;
    expect(fleet.candidate(ep("a"), "m1", table).residency).toBe("warm");
  });
});
