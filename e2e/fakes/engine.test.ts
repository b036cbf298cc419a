// The engine behaviour of the fakes: what the benchmark and the fleet tests rely on.
import { afterEach, describe, expect, it } from "vitest";
import { startFake, type FakeUpstream } from "./upstream";

const started: FakeUpstream[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((f) => f.stop()));
});
const fake = async (opts: Parameters<typeof startFake>[0]) => {
  const f = await startFake(opts);
  started.push(f);
  return f;
};
const chat = (f: FakeUpstream, model: string, content = "hi", extra = {}) =>
  fetch(`${f.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: "user", content }], ...extra }),
  });
const get = async (f: FakeUpstream, path: string) => (await fetch(f.url + path)).text();

describe("engine fakes", () => {
  it("Ollama: loads on demand with a delay, evicts the least recently used past OLLAMA_MAX_LOADED_MODELS, /api/ps tells the truth", async () => {
    const f = await fake({
      kind: "ollama",
      models: ["a:latest", "b:latest", "c:latest"],
      engine: { parallel: 2, maxLoaded: 2, loaded: ["a:latest", "b:latest"], loadMs: 150, contextLength: 4096 },
    });
    const ps = async () =>
      (JSON.parse(await get(f, "/api/ps")) as { models: Array<{ name: string; context_length: number }> }).models
        .map((m) => m.name)
        .sort();
    expect(await ps()).toEqual(["a:latest", "b:latest"]);
    await (await chat(f, "b")).text(); // b used more recently than a
    const t0 = Date.now();
    expect((await chat(f, "c")).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(await ps()).toEqual(["b:latest", "c:latest"]);
    expect(f.engine!.coldLoads).toBe(1);
  });

  it("slots: a request past `parallel` waits, and llama.cpp's /slots and /metrics say so", async () => {
    const f = await fake({
      kind: "llamacpp",
      models: ["m"],
      engine: { parallel: 1, tokenMs: 40, contextLength: 2048 },
    });
    const first = chat(f, "m");
    const second = chat(f, "m");
    await new Promise((r) => setTimeout(r, 60));
    expect(await get(f, "/metrics")).toContain("llamacpp:requests_processing 1\nllamacpp:requests_deferred 1");
    expect(JSON.parse(await get(f, "/slots"))).toEqual([{ id: 0, n_ctx: 2048, is_processing: true }]);
    expect(JSON.parse(await get(f, "/props"))).toMatchObject({
      default_generation_settings: { n_ctx: 2048 },
      total_slots: 1,
    });
    await Promise.all([(await first).text(), (await second).text()]);
    expect(await get(f, "/metrics")).toContain("llamacpp:requests_processing 0\nllamacpp:requests_deferred 0");
  });

  it("the context limit is the engine's own 400, counted as an overflow; vLLM reports max_model_len and live /metrics", async () => {
    const f = await fake({ kind: "vllm", models: ["m"], engine: { parallel: 4, contextLength: 100 } });
    const r = await chat(f, "m", "x".repeat(400));
    expect(r.status).toBe(400);
    expect(((await r.json()) as { message: string }).message).toContain("maximum context length is 100 tokens");
    expect(f.engine!.overflows).toBe(1);
    expect(JSON.parse(await get(f, "/v1/models")).data[0]).toMatchObject({ id: "m", max_model_len: 100 });
    expect(await get(f, "/metrics")).toContain('vllm:num_requests_running{model_name="m"} 0.0');
  });

  it("LM Studio: JIT load state in /api/v0/models", async () => {
    const f = await fake({
      kind: "lm_studio",
      models: ["p", "q"],
      engine: { parallel: 1, maxLoaded: 1, loaded: ["p"], contextLength: 8192 },
    });
    const states = async () =>
      (JSON.parse(await get(f, "/api/v0/models")) as { data: Array<{ id: string; state: string }> }).data.map(
        (m) => `${m.id}:${m.state}`,
      );
    expect(await states()).toEqual(["p:loaded", "q:not-loaded"]);
    await (await chat(f, "q")).text();
    expect(await states()).toEqual(["p:not-loaded", "q:loaded"]);
  });
});
