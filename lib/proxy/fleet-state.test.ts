import { describe, expect, it } from "vitest";
import { contextFor } from "./fleet-state";
import type { EngineModel } from "../fleet/telemetry";

const m = (f: Partial<EngineModel>): EngineModel => ({ id: "m", loaded: false, contextLength: null, maxContextLength: null, vramBytes: null, expiresAt: null, ...f });

describe("contextFor", () => {
  it.each<[string, EngineModel | undefined, number | null, number | null, number | null]>([
    ["loaded: its loaded context", m({ loaded: true, contextLength: 4096, maxContextLength: 32768 }), 8192, 131072, 4096],
    ["cold on Ollama: the engine's load context, not /api/show's maximum", undefined, 4096, 131072, 4096],
    ["cold, load context above the maximum: the maximum", m({ maxContextLength: 2048 }), 4096, null, 2048],
    ["nothing known", undefined, null, null, null],
    ["only the synced maximum", undefined, null, 8192, 8192],
  ])("%s", (_n, model, load, stored, want) => expect(contextFor(model, load, stored)).toBe(want));
});
