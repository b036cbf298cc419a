import { describe, expect, it } from "vitest";
import { parseLlamacpp, parseLmStudio, parseModelList, parseOllamaPs, parsePrometheus, parseVllm } from "./parse";

describe("engine telemetry parsers (each engine's documented wire format)", () => {
  it("Ollama /api/ps", () => {
    const ps = {
      models: [
        {
          name: "llama3:8b",
          model: "llama3:8b",
          size: 6e9,
          size_vram: 5e9,
          expires_at: "2030-01-01T00:00:00Z",
          context_length: 8192,
        },
        { bogus: 1 },
      ],
    };
    const t = parseOllamaPs(ps, 7);
    expect(t.at).toBe(7);
    expect(t.models).toEqual([
      {
        id: "llama3:8b",
        loaded: true,
        contextLength: 8192,
        maxContextLength: null,
        vramBytes: 5e9,
        expiresAt: Date.parse("2030-01-01T00:00:00Z"),
      },
    ]);
    expect(parseOllamaPs("garbage", 0).models).toEqual([]);
  });
  it("vLLM /metrics (either KV-cache name) and max_model_len", () => {
    const metrics = [
      "# HELP vllm:num_requests_running x",
      'vllm:num_requests_running{model_name="m"} 3.0',
      'vllm:num_requests_waiting{model_name="m"} 2',
      'vllm:kv_cache_usage_perc{model_name="m"} 0.5',
    ].join("\n");
    const t = parseVllm(metrics, { data: [{ id: "m", max_model_len: 32768 }] }, 0);
    expect(t).toMatchObject({ running: 3, waiting: 2, kvCacheUsage: 0.5 });
    expect(t.models[0]).toMatchObject({ id: "m", loaded: true, maxContextLength: 32768 });
    expect(parseVllm('vllm:gpu_cache_usage_perc{model_name="m"} 0.25', null, 0).kvCacheUsage).toBe(0.25);
  });
  it("llama.cpp /props, /slots and /metrics; /slots may be off", () => {
    const props = { default_generation_settings: { n_ctx: 4096 }, total_slots: 4 };
    const slots = [
      { id: 0, is_processing: true },
      { id: 1, is_processing: false },
      { id: 2, is_processing: true },
      { id: 3, is_processing: false },
    ];
    const t = parseLlamacpp(
      props,
      slots,
      "llamacpp:requests_processing 2\nllamacpp:requests_deferred 5\n",
      ["m.gguf"],
      0,
    );
    expect(t).toMatchObject({ slots: 4, busySlots: 2, running: 2, waiting: 5 });
    expect(t.models).toEqual([expect.objectContaining({ id: "m.gguf", loaded: true, contextLength: 4096 })]);
    const off = parseLlamacpp({ n_ctx: 2048, total_slots: 1 }, null, null, ["m"], 0);
    expect(off).toMatchObject({ slots: 1, busySlots: null, running: null, waiting: null });
    expect(off.models[0].contextLength).toBe(2048);
  });
  it("LM Studio /api/v0/models: loaded and not-loaded, embeddings left out", () => {
    const body = {
      object: "list",
      data: [
        {
          id: "qwen",
          object: "model",
          type: "llm",
          state: "loaded",
          max_context_length: 32768,
          loaded_context_length: 4096,
        },
        { id: "llama", object: "model", type: "llm", state: "not-loaded", max_context_length: 131072 },
        { id: "nomic", object: "model", type: "embeddings", state: "loaded", max_context_length: 2048 },
      ],
    };
    expect(parseLmStudio(body, 0).models).toEqual([
      { id: "qwen", loaded: true, contextLength: 4096, maxContextLength: 32768, vramBytes: null, expiresAt: null },
      { id: "llama", loaded: false, contextLength: null, maxContextLength: 131072, vramBytes: null, expiresAt: null },
    ]);
  });
  it("xLLM: its model list is what is loaded", () => {
    expect(parseModelList({ data: [{ id: "a" }, { id: 3 }] }, 0).models.map((m) => m.id)).toEqual(["a"]);
  });
  it("Prometheus text sums series over labels and skips what it cannot read", () => {
    const p = parsePrometheus('a{x="1"} 1\na{x="2"} 2.5\n# c\nb NaN\nbad line\nc 1e3');
    expect([...p]).toEqual([
      ["a", 3.5],
      ["c", 1000],
    ]);
  });
});
