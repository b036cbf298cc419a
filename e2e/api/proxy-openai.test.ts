import { afterAll, beforeAll, describe, expect, it } from "vitest";
import OpenAI from "openai";
import { startServer, type TestServer } from "../harness/server";
import { call } from "../harness/http";
import { registerOnline } from "../harness/endpoints";
import { startFake, type FakeUpstream } from "../fakes/upstream";

let s: TestServer;
const fakes: FakeUpstream[] = [];
let client: OpenAI;

beforeAll(async () => {
  s = await startServer();
  const ollama = await startFake({
    kind: "ollama",
    models: ["llama3.1:8b", "nomic-embed-text:latest"],
    chunks: 5,
    faults: { chunkDelayMs: 150 },
  });
  const vllm = await startFake({ kind: "vllm", models: ["Qwen/Qwen2.5-7B"], chunks: 5, faults: { chunkDelayMs: 150 } });
  const openai = await startFake({
    kind: "openai",
    models: ["gpt-mini"],
    apiKey: "upstream-secret",
    chunks: 5,
    faults: { chunkDelayMs: 150 },
  });
  fakes.push(ollama, vllm, openai);
  await registerOnline(s.url, { name: "本番Ollama", base_url: ollama.url });
  await registerOnline(s.url, { name: "vLLM", base_url: vllm.url });
  await registerOnline(s.url, { name: "hosted", base_url: openai.url, api_key: "upstream-secret" });
  const key = await call(s.url, "POST", "/api/api-keys", {
    key: "sk_debug",
    body: { name: "sdk", permissions: ["openai.inference", "openai.models.read"] },
  });
  client = new OpenAI({ apiKey: key.body.key, baseURL: `${s.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await s?.stop();
  await Promise.all(fakes.map((f) => f.stop()));
});

describe("the official openai client through the load balancer", () => {
  it("lists the union of models", async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids.sort()).toEqual(["Qwen/Qwen2.5-7B", "gpt-mini", "llama3.1:8b", "nomic-embed-text:latest"]);
  });

  it.each([["llama3.1:8b"], ["Qwen/Qwen2.5-7B"], ["gpt-mini"]])("chat completion with %s", async (model) => {
    const r = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Hello!" }] });
    expect(r.choices[0].message.content).toContain("Hello from");
    expect(r.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("the endpoint's key replaces the client's", async () => {
    const hosted = fakes[2];
    const last = hosted.requests.filter((q) => q.path === "/v1/chat/completions").at(-1)!;
    expect(last.headers.authorization).toBe("Bearer upstream-secret");
  });

  it.each([["llama3.1:8b"], ["Qwen/Qwen2.5-7B"], ["gpt-mini"]])(
    "streams %s as the upstream produces it",
    async (model) => {
      const stream = await client.chat.completions.create({
        model,
        stream: true,
        messages: [{ role: "user", content: "Hi" }],
      });
      const arrivals: number[] = [];
      let text = "";
      let sawUsage = false;
      for await (const chunk of stream) {
        if (chunk.usage) sawUsage = true;
        const delta = chunk.choices[0]?.delta?.content;
        if (delta) {
          text += delta;
          arrivals.push(Date.now());
        }
      }
      expect(text).toContain("Hello from");
      expect(arrivals.length).toBeGreaterThanOrEqual(4);
      // chunks arrive spread out as produced (150 ms apart), not all at the end
      expect(arrivals.at(-1)! - arrivals[0]).toBeGreaterThan(400);
      // the proxy injected include_usage for accounting but drops the usage chunk the client did not ask for
      expect(sawUsage).toBe(false);
    },
  );

  it("keeps the usage chunk when the client asked for it", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-mini",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "Hi" }],
    });
    let usage = null;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage).toMatchObject({ completion_tokens: expect.any(Number) });
  });

  it("embeddings, also with Ollama's implicit :latest", async () => {
    const r = await client.embeddings.create({ model: "nomic-embed-text", input: ["a", "b"] });
    expect(r.data).toHaveLength(2);
    expect(r.data[0].embedding.length).toBeGreaterThan(0);
  });

  it("seed steps 3 and 4: /v1/models with sk_debug and a chat routed to the endpoint", async () => {
    const models = await call(s.url, "GET", "/v1/models", { key: "sk_debug" });
    expect(models.status).toBe(200);
    expect(models.body.object).toBe("list");
    expect(models.body.data.map((m: { id: string }) => m.id)).toContain("llama3.1:8b");
    const chat = await call(s.url, "POST", "/v1/chat/completions", {
      key: "sk_debug",
      body: { model: "llama3.1:8b", messages: [{ role: "user", content: "Hello!" }] },
    });
    expect(chat.status).toBe(200);
    expect(chat.body.choices[0].message.content).toContain("Hello from");
    expect(chat.headers.get("x-request-id")).toBeTruthy();
    expect(decodeURIComponent(chat.headers.get("x-llmlb-endpoint-name")!)).toBe("本番Ollama");
  });

  it("passes X-Request-Id through", async () => {
    const r = await call(s.url, "POST", "/v1/chat/completions", {
      key: "sk_debug",
      headers: { "x-request-id": "trace-123" },
      body: { model: "gpt-mini", messages: [] },
    });
    expect(r.headers.get("x-request-id")).toBe("trace-123");
    expect(fakes[2].requests.at(-1)!.headers["x-request-id"]).toBe("trace-123");
  });
});
