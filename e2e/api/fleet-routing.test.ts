// Fleet-aware routing on small fleets of engine-like fakes (e2e/fakes/engine.ts) through the real server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { call } from "../harness/http";
import { registerOnline, waitDetail, waitFor } from "../harness/endpoints";
import { startFake, type FakeOptions, type FakeUpstream } from "../fakes/upstream";

let s: TestServer;
const fakes: FakeUpstream[] = [];
const chat = (model: string, extra: Record<string, unknown> = {}, content = "hi") =>
  call(s.url, "POST", "/v1/chat/completions", {
    key: "sk_debug",
    body: { model, max_tokens: 10, messages: [{ role: "user", content }], ...extra },
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function endpoint(name: string, opts: FakeOptions): Promise<{ fake: FakeUpstream; id: string }> {
  const fake = await startFake({ record: true, ...opts });
  fakes.push(fake);
  const ep = await registerOnline(s.url, { name, base_url: fake.url });
  if (opts.engine) {
    await waitDetail(s.url, ep.id, (d) => d.telemetry !== null && !d.telemetry.stale);
    // the /v1 thread has it too (it arrives there over the bridge a moment after the control thread reads it)
    await waitFor(async () =>
      (await call(s.url, "GET", "/metrics", { key: "sk_debug" })).text.includes(
        `llmlb_model_loaded{endpoint="${name}",id="${ep.id}"`,
      ),
    );
  }
  return { fake, id: ep.id };
}
const inferences = (f: FakeUpstream) =>
  f.requests.filter((r) => r.method === "POST" && r.path === "/v1/chat/completions").length;

beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s?.stop();
  await Promise.all(fakes.map((f) => f.stop()));
});

describe("fleet-aware routing", () => {
  it("the warm endpoint is chosen over an idle cold one", async () => {
    const models = ["warm-a:latest", "warm-b:latest"];
    const warm = await endpoint("ollama-warm", {
      kind: "ollama",
      models,
      engine: { parallel: 4, maxLoaded: 1, loaded: ["warm-a:latest"], loadMs: 1500 },
    });
    const cold = await endpoint("ollama-cold", {
      kind: "ollama",
      models,
      engine: { parallel: 4, maxLoaded: 1, loaded: ["warm-b:latest"], loadMs: 1500 },
    });
    const reasons = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const r = await chat("warm-a");
      expect(r.status).toBe(200);
      reasons.add(String(r.headers.get("x-llmlb-route-reason")));
    }
    expect(inferences(warm.fake)).toBe(10);
    expect(inferences(cold.fake)).toBe(0);
    expect(cold.fake.engine!.coldLoads).toBe(0);
    expect(reasons).toEqual(new Set(["warm"]));
  });

  it("a cold endpoint is used once the warm one's queue is long enough", async () => {
    const models = ["queue-a:latest", "queue-b:latest"];
    const warm = await endpoint("ollama-busy", {
      kind: "ollama",
      models,
      engine: { parallel: 1, maxLoaded: 1, loaded: ["queue-a:latest"], tokenMs: 100 },
    });
    const cold = await endpoint("ollama-spare", {
      kind: "ollama",
      models,
      engine: { parallel: 4, maxLoaded: 1, loaded: ["queue-b:latest"], loadMs: 300, tokenMs: 100 },
    });
    for (let i = 0; i < 3; i++) expect((await chat("queue-a")).status).toBe(200); // measured: ~1 s a request
    const answers = await Promise.all(Array.from({ length: 32 }, () => chat("queue-a")));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.some((a) => a.headers.get("x-llmlb-route-reason") === "cold")).toBe(true);
    expect(inferences(cold.fake)).toBeGreaterThan(0);
    expect(cold.fake.engine!.coldLoads).toBe(1);
    expect(inferences(warm.fake)).toBeGreaterThan(inferences(cold.fake) / 4);
  });

  it("a too-long prompt goes to the endpoint that fits, or gets the 400 before any upstream call", async () => {
    const small = await endpoint("llamacpp-small", {
      kind: "llamacpp",
      models: ["ctx-model"],
      engine: { parallel: 2, contextLength: 1024 },
    });
    const big = await endpoint("vllm-big", {
      kind: "vllm",
      models: ["ctx-model"],
      engine: { parallel: 8, contextLength: 8192 },
    });
    const long = await chat("ctx-model", {}, "x".repeat(8000)); // ~2,000 tokens
    expect(long.status).toBe(200);
    expect(long.headers.get("x-llmlb-endpoint-id")).toBe(big.id);
    expect(long.headers.get("x-llmlb-route-reason")).toBe("only-fit");
    const before = inferences(small.fake) + inferences(big.fake);
    const tooLong = await chat("ctx-model", { max_tokens: 500 }, "x".repeat(40_000)); // ~10,000 tokens
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe("context_length_exceeded");
    expect(inferences(small.fake) + inferences(big.fake)).toBe(before);
    expect(small.fake.engine!.overflows + big.fake.engine!.overflows).toBe(0);
  });

  it("a fast-503 endpoint gets at most 1 % of requests after the first 10 s", async () => {
    const bad = await endpoint("fast-503", { kind: "openai", models: ["f503"], faults: { status: 503 } });
    await endpoint("good-1", { kind: "openai", models: ["f503"], faults: { delayMs: 20 } });
    await endpoint("good-2", { kind: "openai", models: ["f503"], faults: { delayMs: 20 } });
    const start = Date.now();
    let after = 0;
    let badAtTen = -1;
    const worker = async () => {
      while (Date.now() - start < 14_000) {
        if (badAtTen < 0 && Date.now() - start >= 10_000) badAtTen = inferences(bad.fake);
        const r = await chat("f503");
        expect(r.status).toBe(200);
        if (badAtTen >= 0) after++;
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    const share = (inferences(bad.fake) - badAtTen) / after;
    console.log(
      `fast-503 share after 10 s: ${(share * 100).toFixed(2)} % of ${after} requests (${inferences(bad.fake)} in all)`,
    );
    expect(share).toBeLessThanOrEqual(0.01);
  }, 30_000);

  it("a recovered endpoint ramps back up over 30 s", async () => {
    const flaky = await endpoint("flaky", { kind: "openai", models: ["ramp"], faults: { delayMs: 20, status: 503 } });
    await endpoint("steady", { kind: "openai", models: ["ramp"], faults: { delayMs: 20 } });
    const run = async (ms: number) => {
      const t0 = Date.now();
      let n = 0;
      let toFlaky = 0;
      const worker = async () => {
        while (Date.now() - t0 < ms) {
          const r = await chat("ramp");
          expect(r.status).toBe(200);
          n++;
          if (r.headers.get("x-llmlb-endpoint-id") === flaky.id) toFlaky++;
        }
      };
      await Promise.all([worker(), worker()]);
      return toFlaky / n;
    };
    await run(2500); // failing: cooldowns 1 s, 2 s
    flaky.fake.setFaults({ status: null });
    await waitFor(async () => (await chat("ramp")).headers.get("x-llmlb-endpoint-id") === flaky.id, 10_000, 0); // its probe succeeded
    const early = await run(4000);
    await sleep(8000);
    const later = await run(4000);
    console.log(
      `recovered endpoint share: ${(early * 100).toFixed(1)} % in its first 4 s, ${(later * 100).toFixed(1)} % 12–16 s after`,
    );
    expect(early).toBeLessThan(0.3); // full share would be 50 %
    expect(later).toBeGreaterThan(early * 1.5);
  }, 40_000);

  it("telemetry from a dead endpoint goes stale and stops counting", async () => {
    const dead = await endpoint("ollama-dead", { kind: "ollama", models: ["stale-m:latest"], engine: { parallel: 1 } });
    const metrics = async () => (await call(s.url, "GET", "/metrics", { key: "sk_debug" })).text;
    await waitFor(async () =>
      (await metrics()).includes(`llmlb_model_loaded{endpoint="ollama-dead",id="${dead.id}",model="stale-m:latest"} 1`),
    );
    const list = await call(s.url, "GET", "/api/endpoints", { key: "sk_debug" });
    expect(list.body.endpoints.find((e: { id: string }) => e.id === dead.id).loaded_models).toEqual(["stale-m:latest"]);
    await dead.fake.stop();
    // stale after 3 intervals (6 s); once a health check takes the endpoint offline its reading is dropped
    const detail = await waitDetail(s.url, dead.id, (d) => d.telemetry === null || d.telemetry.stale === true, 10_000);
    if (detail.telemetry) expect(detail.telemetry.age_ms).toBeGreaterThan(6000);
    expect(await metrics()).not.toContain(`id="${dead.id}",model=`);
    const after = await call(s.url, "GET", "/api/endpoints", { key: "sk_debug" });
    expect(after.body.endpoints.find((e: { id: string }) => e.id === dead.id).loaded_models).toBeNull();
  }, 30_000);
});
