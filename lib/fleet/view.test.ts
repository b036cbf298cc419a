import { describe, expect, it } from "vitest";
import { loadedModels, serializeTelemetry } from "./view";
import { isLoaded, type EngineTelemetry } from "./telemetry";

const t: EngineTelemetry = {
  at: 10_000,
  models: [
    { id: "a:latest", loaded: true, contextLength: 4096, maxContextLength: null, vramBytes: 1024, expiresAt: 20_000 },
    { id: "b", loaded: false, contextLength: null, maxContextLength: 8192, vramBytes: null, expiresAt: null },
  ],
  running: 1,
  waiting: 2,
  slots: 4,
  busySlots: 1,
  kvCacheUsage: 0.5,
};

describe("telemetry as the API shows it", () => {
  it.each([
    [15_999, false],
    [16_000, false],
    [16_001, true],
  ])("read at 10 s, interval 2 s, now %i ms: stale %s (older than 3 intervals)", (now, stale) => {
    expect(serializeTelemetry(t, now, 2000)).toMatchObject({
      age_ms: now - 10_000,
      stale,
      running: 1,
      waiting: 2,
      slots: 4,
      busy_slots: 1,
    });
    expect(loadedModels(t, now, 2000)).toEqual(stale ? null : ["a:latest"]);
  });
  it("no reading, no telemetry; telemetry off counts as stale", () => {
    expect(serializeTelemetry(undefined, 0, 2000)).toBeNull();
    expect(serializeTelemetry(t, 10_000, 0)?.stale).toBe(true);
  });
  it("isLoaded matches Ollama's implicit :latest both ways", () => {
    expect(isLoaded(["a:latest"], "a")).toBe(true);
    expect(isLoaded(["a"], "a:latest")).toBe(true);
    expect(isLoaded(["a"], "b")).toBe(false);
    expect(isLoaded(null, "a")).toBe(false);
  });
});
