import { describe, expect, it } from "vitest";
import { chooseEndpoint, type Choice, type FleetCandidate } from "./route-choice";

const c = (id: string, f: Partial<FleetCandidate> = {}): FleetCandidate => ({
  id,
  inflight: 0,
  maxConcurrency: null,
  engineLoad: null,
  slots: null,
  residency: "warm",
  context: null,
  ttftMs: 200,
  tps: 50,
  coldLoadMs: null,
  loadingMs: 0,
  share: 1,
  ...f,
});
const input = (f: Partial<{ promptTokens: number; maxTokens: number; random: () => number }> = {}) => ({
  promptTokens: 100,
  maxTokens: 100,
  random: () => 0.5,
  ...f,
});
const pick = (cands: FleetCandidate[], f = {}) => chooseEndpoint(cands, input(f), new Map());
const id = (ch: Choice) => (ch.kind === "picked" ? ch.id : ch.kind);

function shares(cands: FleetCandidate[], n: number, random = () => 0.5) {
  const rr = new Map<string, number>();
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const ch = chooseEndpoint(cands, input({ random }), rr);
    counts[id(ch)] = (counts[id(ch)] ?? 0) + 1;
  }
  return counts;
}

describe("chooseEndpoint: residency", () => {
  it.each<[string, FleetCandidate[], string, string]>([
    ["warm over an idle cold one", [c("cold", { residency: "cold" }), c("warm", { inflight: 2 })], "warm", "warm"],
    [
      "cold when the warm queue exceeds the cold-load time",
      [c("cold", { residency: "cold", coldLoadMs: 3000 }), c("warm", { inflight: 20 })],
      "cold",
      "cold",
    ],
    [
      "warm while its queue is below the default 15 s",
      [c("cold", { residency: "cold" }), c("warm", { inflight: 2 })],
      "warm",
      "warm",
    ],
    [
      "warm while its wait is within 1.5× the cold-load time",
      [c("cold", { residency: "cold", coldLoadMs: 8000 }), c("warm", { inflight: 2 })],
      "warm",
      "warm",
    ],
    [
      "a loading model counts its remaining load",
      [c("a", { loadingMs: 10_000 }), c("b", { inflight: 3 })],
      "b",
      "least-loaded",
    ],
    [
      "only cold endpoints: the cheapest load",
      [c("slow", { residency: "cold", coldLoadMs: 9000 }), c("fast", { residency: "cold", coldLoadMs: 2000 })],
      "fast",
      "cold",
    ],
  ])("%s", (_n, cands, want, reason) => {
    const ch = pick(cands);
    expect(ch).toMatchObject({ kind: "picked", id: want, reason });
  });
});

describe("chooseEndpoint: load", () => {
  it.each<[string, FleetCandidate[], string]>([
    ["our in-flight", [c("a", { inflight: 3 }), c("b", { inflight: 1 })], "b"],
    ["the engine's own queue (other clients)", [c("a", { engineLoad: 8 }), c("b", { inflight: 1 })], "b"],
    ["slots absorb parallel work", [c("a", { inflight: 3, slots: 4 }), c("b", { inflight: 1 })], "a"],
    ["a faster TTFT at equal load", [c("a", { ttftMs: 2000 }), c("b", { ttftMs: 100 })], "b"],
  ])("%s", (_n, cands, want) => expect(id(pick(cands))).toBe(want));
  it("skips endpoints at max_concurrency and reports saturation", () => {
    expect(id(pick([c("a", { inflight: 1, maxConcurrency: 1 }), c("b", { inflight: 5 })]))).toBe("b");
    expect(pick([c("a", { inflight: 1, maxConcurrency: 1 })])).toEqual({ kind: "saturated" });
    expect(pick([])).toEqual({ kind: "none" });
  });
});

describe("chooseEndpoint: context fit", () => {
  it.each<[string, FleetCandidate[], Record<string, number>, Choice["kind"], string | null]>([
    [
      "the one that fits",
      [c("small", { context: 2048 }), c("big", { context: 32768, inflight: 5 })],
      { promptTokens: 3000 },
      "picked",
      "big",
    ],
    [
      "unknown context counts as fitting",
      [c("small", { context: 2048 }), c("unknown", { inflight: 5 })],
      { promptTokens: 3000 },
      "picked",
      "unknown",
    ],
    ["max_tokens counts", [c("a", { context: 4096 })], { promptTokens: 4000, maxTokens: 200 }, "too-long", null],
    ["exactly full fits", [c("a", { context: 4096 })], { promptTokens: 3996, maxTokens: 100 }, "picked", "a"],
  ])("%s", (_n, cands, f, kind, want) => {
    const ch = pick(cands, f);
    expect(ch.kind).toBe(kind);
    if (want) expect(ch).toMatchObject({ id: want });
  });
  it("never asks for the prompt's estimate when no endpoint's context is known", () => {
    let asked = 0;
    const lazy = {
      ...input(),
      get promptTokens() {
        asked++;
        return 10;
      },
    };
    expect(chooseEndpoint([c("a"), c("b")], lazy, new Map()).kind).toBe("picked");
    expect(asked).toBe(0);
    expect(chooseEndpoint([c("a", { context: 4096 })], lazy, new Map()).kind).toBe("picked");
    expect(asked).toBe(1);
  });
  it("says only-fit when others were skipped for context", () => {
    expect(pick([c("small", { context: 100 }), c("big", { context: 9000 })], { promptTokens: 500 })).toMatchObject({
      id: "big",
      reason: "only-fit",
    });
    expect(pick([c("a", { context: 10 })], { promptTokens: 500, maxTokens: 0 })).toEqual({
      kind: "too-long",
      need: 500,
    });
  });
});

describe("chooseEndpoint: outcomes, fairness, exploration", () => {
  it("an endpoint in cooldown takes nothing while another is there", () => {
    expect(shares([c("down", { share: 0 }), c("up", { inflight: 9 })], 100)).toEqual({ up: 100 });
  });
  it("a ramping endpoint takes about its share (by the injected draw)", () => {
    let i = 0;
    const draws = Array.from({ length: 1000 }, (_, k) => (k + 0.5) / 1000);
    const counts = shares([c("ramp", { share: 0.25 }), c("up")], 1000, () => draws[i++ % 1000]);
    expect(counts.ramp).toBe(250);
  });
  it("nobody starves: when every endpoint is cooling down, the best share is used", () => {
    expect(id(pick([c("a", { share: 0 }), c("b", { share: 0.05 })], { random: () => 0.9 }))).toBe("b");
    expect(id(pick([c("a", { share: 0 })]))).toBe("a");
  });
  it("equal endpoints share equally, in a smooth interleave", () => {
    expect(shares([c("a"), c("b")], 100)).toEqual({ a: 50, b: 50 });
  });
  it("an unmeasured endpoint is explored and says so", () => {
    const counts = shares([c("a"), c("new", { ttftMs: null, tps: null })], 10);
    expect(counts).toEqual({ a: 5, new: 5 });
    expect(pick([c("new", { ttftMs: null, tps: null })])).toMatchObject({ reason: "explore" });
    expect(pick([c("new", { ttftMs: null, tps: null }), c("cold", { residency: "cold" })])).toMatchObject({
      id: "new",
      reason: "warm",
    });
  });
});

describe("chooseEndpoint: shares by expected wait", () => {
  it("one twice as fast gets twice the share; one more than twice as slow waits its turn", () => {
    expect(shares([c("fast", { ttftMs: 100, tps: null }), c("slow", { ttftMs: 200, tps: null })], 300)).toEqual({
      fast: 200,
      slow: 100,
    });
    expect(shares([c("fast", { ttftMs: 100, tps: null }), c("slower", { ttftMs: 250, tps: null })], 100)).toEqual({
      fast: 100,
    });
  });
});
