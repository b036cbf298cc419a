import { describe, expect, it } from "vitest";
import { generationProbeOn, needsGenerationProbe } from "./generation-probe";

describe("generation probe", () => {
  it.each([
    ["by type: a local engine", null, "vllm", true],
    ["by type: a hosted API", null, "openai_compatible", false],
    ["asked for on a hosted API", true, "openai_compatible", true],
    ["turned off on a local engine", false, "ollama", false],
  ] as const)("%s → %s", (_n, generationProbe, endpointType, on) => {
    expect(generationProbeOn({ generationProbe, endpointType })).toBe(on);
  });

  it.each([
    ["stalled, probe on", 1000, null, "llamacpp", true],
    ["stalled, probe off: a passing probe is enough", 1000, false, "llamacpp", false],
    ["not stalled", null, true, "llamacpp", false],
  ] as const)("%s → %s", (_n, stalledAt, generationProbe, endpointType, needed) => {
    expect(needsGenerationProbe({ stalledAt, generationProbe, endpointType })).toBe(needed);
  });
});
