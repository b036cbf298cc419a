import { spawn } from "node:child_process";
import { request } from "node:http";
import { connect } from "node:net";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeKind,
  type FakeOptions,
  type FakeUpstream,
  deadUrl,
  freePort,
  startFake,
  startHangServer,
} from "./upstream";

// ---- helpers ----

const started: FakeUpstream[] = [];

async function fake(opts: FakeOptions): Promise<FakeUpstream> {
  const f = await startFake(opts);
  started.push(f);
  return f;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((f) => f.stop()));
});

interface CallInit {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

function send(base: string, path: string, init: CallInit = {}): Promise<Response> {
  const { body } = init;
  return fetch(base + path, {
    method: init.method ?? (body === undefined ? "GET" : "POST"),
    headers: { "content-type": "application/json", ...init.headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    signal: init.signal ?? AbortSignal.timeout(5000),
  });
}

interface Answer<T> {
  status: number;
  headers: Headers;
  json: T;
}

async function call<T = Record<string, unknown>>(base: string, path: string, init?: CallInit): Promise<Answer<T>> {
  const res = await send(base, path, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: JSON.parse(text) as T };
}

interface Streamed {
  frames: string[];
  reads: number;
  error: unknown;
}

/** Read an SSE body to its end (or error), collecting frames and how many separate reads delivered them. */
async function readStream(res: Response): Promise<Streamed> {
  const out: Streamed = { frames: [], reads: 0, error: undefined };
  if (!res.body) return out;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      out.reads++;
      buffered += decoder.decode(value, { stream: true });
    }
  } catch (err) {
    out.error = err;
  }
  out.frames = buffered.split("\n\n").filter((f) => f !== "");
  return out;
}

function dataOf(frame: string): Record<string, unknown> {
  const line = frame.split("\n").find((l) => l.startsWith("data: "));
  return JSON.parse(line?.slice(6) ?? "null") as Record<string, unknown>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(5);
  expect(check()).toBe(true);
}

const chat = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: "user", content: "hi" }],
  ...extra,
});

interface ChatBody {
  id: string;
  object: string;
  model: string;
  choices: Array<{ index: number; message: { role: string; content: string }; finish_reason: string }>;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

interface ChunkBody {
  choices: Array<{ delta?: { role?: string; content?: string }; text?: string; finish_reason: string | null }>;
  usage?: unknown;
}

// ---- wire formats ----

describe("OpenAI-compatible API of every kind", () => {
  const owners: Array<[FakeKind, string, string | null]> = [
    ["xllm", "xllm", null],
    ["ollama", "library", null],
    ["vllm", "vllm", "uvicorn"],
    ["lm_studio", "organization_owner", "LM Studio/0.3.5"],
    ["llamacpp", "llamacpp", "llama.cpp"],
    ["openai", "openai", null],
    ["tags_error", "openai", null],
  ];

  it.each(owners)("%s: /v1/models lists its models with owned_by %s and Server %s", async (kind, owner, server) => {
    const f = await fake({ kind });
    expect(f.url).toBe(`http://127.0.0.1:${f.port}`);
    const r = await call<{ object: string; data: Array<Record<string, unknown>> }>(f.url, "/v1/models");
    expect(r.status).toBe(200);
    expect(r.headers.get("server")).toBe(server);
    expect(r.json.object).toBe("list");
    const expected =
      kind === "xllm"
        ? ["llama-3.2-1b"]
        : kind === "ollama"
          ? ["llama3.1:8b", "nomic-embed-text:latest"]
          : ["mock-model"];
    expect(r.json.data.map((m) => m.id)).toEqual(expected);
    expect(r.json.data[0]).toEqual({ id: expected[0], object: "model", created: expect.any(Number), owned_by: owner });
    f.models = ["other"];
    expect((await call<{ data: Array<{ id: string }> }>(f.url, "/v1/models")).json.data.map((m) => m.id)).toEqual([
      "other",
    ]);
  });

  it("answers a chat completion with Content-Length, the requested model and usage", async () => {
    const f = await fake({ kind: "vllm", name: "node-a", completionTokens: 7 });
    const res = await send(f.url, "/v1/chat/completions", { body: chat("mock-model") });
    const text = await res.text();
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(Number(res.headers.get("content-length"))).toBe(Buffer.byteLength(text));
    const body = JSON.parse(text) as ChatBody;
    expect(body).toMatchObject({
      object: "chat.completion",
      model: "mock-model",
      choices: [{ index: 0, finish_reason: "stop" }],
    });
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(body.choices[0].message).toEqual({ role: "assistant", content: "Hello from node-a" });
    expect(body.usage?.completion_tokens).toBe(7);
    expect(body.usage?.total_tokens).toBe((body.usage?.prompt_tokens ?? 0) + 7);
    expect(f.served).toBe(1);
    expect(f.inflight).toBe(0);
  });

  it("streams chat chunks separately: role first, stop, usage only when asked, then [DONE]", async () => {
    const f = await fake({ kind: "openai", chunks: 3, faults: { chunkDelayMs: 15 } });
    const t0 = Date.now();
    const res = await send(f.url, "/v1/chat/completions", { body: chat("mock-model", { stream: true }) });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const plain = await readStream(res);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(40);
    expect(plain.reads).toBeGreaterThanOrEqual(3);
    expect(plain.frames).toHaveLength(5);
    expect(plain.frames.at(-1)).toBe("data: [DONE]");
    const chunks = plain.frames.slice(0, 4).map((fr) => dataOf(fr) as unknown as ChunkBody);
    expect(chunks[0].choices[0].delta).toEqual({ role: "assistant", content: "Hello" });
    expect(
      chunks
        .slice(0, 3)
        .map((c) => c.choices[0].delta?.content)
        .join(""),
    ).toBe("Hello from openai");
    expect(chunks[3].choices[0]).toEqual({ index: 0, delta: {}, finish_reason: "stop" });
    expect(dataOf(plain.frames[0])).toMatchObject({ object: "chat.completion.chunk", model: "mock-model" });

    const withUsage = await readStream(
      await send(f.url, "/v1/chat/completions", {
        body: chat("mock-model", { stream: true, stream_options: { include_usage: true } }),
      }),
    );
    expect(withUsage.frames).toHaveLength(6);
    expect(dataOf(withUsage.frames[4])).toMatchObject({ choices: [], usage: { completion_tokens: 10 } });
    expect(f.served).toBe(2);
  });

  it("pads the reply when there are more chunks than characters", async () => {
    const f = await fake({ kind: "openai", name: "x", chunks: 20 });
    const s = await readStream(
      await send(f.url, "/v1/chat/completions", { body: chat("mock-model", { stream: true }) }),
    );
    expect(s.frames).toHaveLength(22);
    const text = s.frames
      .slice(0, 20)
      .map((fr) => (dataOf(fr) as unknown as ChunkBody).choices[0].delta?.content)
      .join("");
    expect(text).toBe("Hello from x!!!!!!!!");
  });

  it("answers /v1/completions whole and streamed", async () => {
    const f = await fake({ kind: "llamacpp", chunks: 2 });
    const whole = await call<ChatBody & { choices: Array<{ text: string }> }>(f.url, "/v1/completions", {
      body: { model: "mock-model", prompt: "hi" },
    });
    expect(whole.json).toMatchObject({
      object: "text_completion",
      choices: [{ index: 0, text: "Hello from llamacpp", finish_reason: "stop" }],
    });
    expect(whole.json.id).toMatch(/^cmpl-/);
    const s = await readStream(
      await send(f.url, "/v1/completions", {
        body: { model: "mock-model", prompt: "hi", stream: true, stream_options: { include_usage: true } },
      }),
    );
    const chunks = s.frames.slice(0, -1).map((fr) => dataOf(fr) as unknown as ChunkBody);
    expect(chunks.map((c) => c.choices[0]?.text ?? "").join("")).toBe("Hello from llamacpp");
    expect(chunks[2].choices[0].finish_reason).toBe("stop");
    expect(chunks[3].usage).toMatchObject({ completion_tokens: 10 });
  });

  it("answers /v1/embeddings with one 8-float vector per input", async () => {
    const f = await fake({ kind: "ollama" });
    type Emb = {
      object: string;
      model: string;
      data: Array<{ object: string; index: number; embedding: number[] }>;
      usage: Record<string, number>;
    };
    const one = await call<Emb>(f.url, "/v1/embeddings", { body: { model: "nomic-embed-text", input: "a" } });
    expect(one.json).toMatchObject({
      object: "list",
      model: "nomic-embed-text",
      data: [{ object: "embedding", index: 0 }],
    });
    expect(one.json.data[0].embedding).toHaveLength(8);
    expect(one.json.usage.total_tokens).toBe(one.json.usage.prompt_tokens);
    const many = await call<Emb>(f.url, "/v1/embeddings", {
      body: { model: "nomic-embed-text", input: ["a", "b", "c"] },
    });
    expect(many.json.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(many.json.data[0].embedding).toEqual(one.json.data[0].embedding);
    expect(many.json.data[1].embedding).not.toEqual(one.json.data[0].embedding);
  });

  it("answers /v1/responses whole and streamed", async () => {
    const f = await fake({ kind: "openai", chunks: 2 });
    const whole = await call<{ id: string; usage: Record<string, number> }>(f.url, "/v1/responses", {
      body: { model: "mock-model", input: "hi" },
    });
    expect(whole.json).toMatchObject({
      object: "response",
      model: "mock-model",
      output: [{ type: "message", role: "assistant", content: [{ type: "output_text", text: "Hello from openai" }] }],
      usage: { output_tokens: 10 },
    });
    expect(whole.json.id).toMatch(/^resp_/);
    expect(whole.json.usage.total_tokens).toBe(whole.json.usage.input_tokens + 10);
    const s = await readStream(
      await send(f.url, "/v1/responses", { body: { model: "mock-model", input: "hi", stream: true } }),
    );
    expect(s.frames.map((fr) => fr.split("\n")[0])).toEqual([
      "event: response.created",
      "event: response.output_text.delta",
      "event: response.output_text.delta",
      "event: response.output_text.done",
      "event: response.completed",
    ]);
    expect(dataOf(s.frames[4])).toMatchObject({ response: { status: "completed", usage: { output_tokens: 10 } } });
  });

  it("rejects unknown models, missing models and invalid JSON in OpenAI's error shape", async () => {
    const f = await fake({ kind: "vllm" });
    const unknown = await call(f.url, "/v1/chat/completions", { body: chat("nope") });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({
      error: { message: expect.any(String), type: "invalid_request_error", param: "model", code: "model_not_found" },
    });
    const bad = await call(f.url, "/v1/chat/completions", { body: "{not json" });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { type: "invalid_request_error" } });
    expect((await call(f.url, "/v1/embeddings", { body: { input: "x" } })).status).toBe(400);
    expect((await call(f.url, "/v1/embeddings", { body: { model: "mock-model" } })).status).toBe(400);
  });

  it("records every request with its parsed body, path and headers", async () => {
    const f = await fake({ kind: "openai" });
    await call(f.url, "/v1/models?x=1", { headers: { "x-test": "yes" } });
    await call(f.url, "/v1/chat/completions", { body: chat("mock-model") });
    await call(f.url, "/v1/chat/completions", { body: "raw text" });
    expect(f.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /v1/models",
      "POST /v1/chat/completions",
      "POST /v1/chat/completions",
    ]);
    expect(f.requests[0].headers["x-test"]).toBe("yes");
    expect(f.requests[0].body).toBeUndefined();
    expect(f.requests[1].body).toEqual(chat("mock-model"));
    expect(f.requests[2].body).toBe("raw text");
  });

  it("records nothing with record: false", async () => {
    const f = await fake({ kind: "openai", record: false });
    await call(f.url, "/v1/models");
    expect(f.requests).toEqual([]);
  });

  it("enforces the API key on every route of every kind when given", async () => {
    for (const kind of ["openai", "ollama"] as const) {
      const f = await fake({ kind, apiKey: "sk-test" });
      for (const path of ["/v1/models", "/api/tags", "/nope"]) {
        const denied = await call(f.url, path);
        expect(denied.status).toBe(401);
        expect(denied.json).toEqual({
          error: {
            message: "Incorrect API key provided",
            type: "invalid_request_error",
            param: null,
            code: "invalid_api_key",
          },
        });
      }
      expect((await call(f.url, "/v1/models", { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
      expect((await call(f.url, "/v1/models", { headers: { authorization: "Bearer sk-test" } })).status).toBe(200);
    }
  });

  it("answers 404 {error:{message}} on routes a kind does not have", async () => {
    const vllm = await fake({ kind: "vllm" });
    const ollama = await fake({ kind: "ollama" });
    for (const [f, path] of [
      [vllm, "/api/tags"],
      [ollama, "/api/system"],
      [vllm, "/health"],
      [ollama, "/api/models/x/info"],
    ] as const) {
      const r = await call(f.url, path);
      expect(r.status).toBe(404);
      expect(r.json).toEqual({ error: { message: "not found" } });
    }
    const gone = await send(vllm.url, "/api/tags");
    expect(gone.headers.get("server")).toBe("uvicorn");
  });
});

describe("kind-specific routes", () => {
  it("xllm: system, health, model info with encoded ids", async () => {
    const f = await fake({ kind: "xllm", models: ["llama-3.2-1b", "meta-llama/Llama-3.2-1B:q4"] });
    const system = await call<{ xllm_version: string; gpus: unknown[] }>(f.url, "/api/system");
    expect(system.json.xllm_version).toBe("0.9.1");
    expect(Array.isArray(system.json.gpus)).toBe(true);
    expect((await call(f.url, "/api/health")).json).toEqual({ status: "ok" });
    const info = { context_length: 131072, capabilities: ["text", "vision"] };
    expect((await call(f.url, `/api/models/${encodeURIComponent("meta-llama/Llama-3.2-1B:q4")}/info`)).json).toEqual(
      info,
    );
    expect((await call(f.url, "/api/models/meta-llama/Llama-3.2-1B:q4/info")).json).toEqual(info);
    expect((await call(f.url, "/api/models/llama-3.2-1b/info")).json).toEqual(info);
    expect((await call(f.url, "/api/models/unknown%2Fmodel/info")).status).toBe(404);
  });

  it("xllm: a download advances 25% per poll and adds the model when completed", async () => {
    const f = await fake({ kind: "xllm" });
    expect((await call(f.url, "/api/models/download", { body: {} })).status).toBe(400);
    const started = await call<{ task_id: string }>(f.url, "/api/models/download", {
      body: { model: "qwen/Qwen2.5-7B" },
    });
    expect(started.status).toBe(202);
    expect(started.json.task_id).toMatch(/^task-/);
    const polls: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 4; i++)
      polls.push((await call(f.url, `/api/download/progress?task_id=${started.json.task_id}`)).json);
    expect(polls.map((p) => [p.status, p.progress])).toEqual([
      ["downloading", 25],
      ["downloading", 50],
      ["downloading", 75],
      ["completed", 100],
    ]);
    expect(polls[0]).toMatchObject({ speed_mbps: expect.any(Number), eta_seconds: expect.any(Number) });
    expect(f.models).toEqual(["llama-3.2-1b", "qwen/Qwen2.5-7B"]);
    expect((await call(f.url, "/api/download/progress?task_id=task-nope")).status).toBe(404);
  });

  it("ollama: tags, show (model or name), version, implicit :latest", async () => {
    const f = await fake({ kind: "ollama" });
    const tags = await call<{ models: Array<Record<string, unknown>> }>(f.url, "/api/tags");
    expect(tags.json.models.map((m) => m.name)).toEqual(["llama3.1:8b", "nomic-embed-text:latest"]);
    expect(tags.json.models[0]).toMatchObject({
      model: "llama3.1:8b",
      modified_at: expect.any(String),
      size: expect.any(Number),
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      details: { family: "llama", parameter_size: "8B", quantization_level: "Q4_K_M" },
    });
    const show = await call(f.url, "/api/show", { body: { model: "llama3.1:8b" } });
    expect(show.json).toMatchObject({
      modelfile: expect.any(String),
      details: { family: "llama" },
      model_info: { "general.architecture": "llama", "llama.context_length": 131072 },
      capabilities: ["completion", "tools"],
    });
    expect((await call(f.url, "/api/show", { body: { name: "nomic-embed-text" } })).json).toMatchObject({
      capabilities: ["embedding"],
    });
    const missing = await call(f.url, "/api/show", { body: { model: "x" } });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: "model 'x' not found" });
    expect((await call(f.url, "/api/version")).json).toEqual({ version: "0.5.7" });
    expect((await call(f.url, "/v1/chat/completions", { body: chat("nomic-embed-text") })).status).toBe(200);
    f.models = ["phi3"];
    expect((await call(f.url, "/v1/chat/completions", { body: chat("phi3:latest") })).status).toBe(200);
  });

  it("llamacpp serves /health; tags_error answers /api/tags with 200 {error}", async () => {
    const llama = await fake({ kind: "llamacpp" });
    expect((await call(llama.url, "/health")).json).toEqual({ status: "ok" });
    const te = await fake({ kind: "tags_error" });
    const tags = await call(te.url, "/api/tags");
    expect(tags.status).toBe(200);
    expect(tags.json).toEqual({ error: "unauthorized" });
  });
});

// ---- faults ----

describe("faults", () => {
  it("delayMs holds the inference response headers (counted in inflight meanwhile)", async () => {
    const f = await fake({ kind: "openai", faults: { delayMs: 80 } });
    const t0 = Date.now();
    const pending = call(f.url, "/v1/chat/completions", { body: chat("mock-model") });
    await until(() => f.inflight === 1);
    expect((await pending).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(75);
    expect(f.inflight).toBe(0);
    expect(f.served).toBe(1);
    const t1 = Date.now();
    await call(f.url, "/v1/models");
    expect(Date.now() - t1).toBeLessThan(75);
  });

  it("status answers inference routes with an OpenAI error; 429 adds Retry-After", async () => {
    const f = await fake({ kind: "openai" });
    f.setFaults({ status: 500 });
    const failed = await call(f.url, "/v1/chat/completions", { body: chat("mock-model") });
    expect(failed.status).toBe(500);
    expect(failed.json).toMatchObject({ error: { message: expect.any(String), type: "server_error" } });
    expect((await call(f.url, "/v1/models")).status).toBe(200);
    f.setFaults({ status: 429 });
    const limited = await call(f.url, "/v1/embeddings", { body: { model: "mock-model", input: "x" } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(limited.json).toMatchObject({ error: { code: "rate_limit_exceeded" } });
  });

  it("healthStatus fails the discovery routes only", async () => {
    const ollama = await fake({ kind: "ollama", faults: { healthStatus: 503 } });
    const xllm = await fake({ kind: "xllm", faults: { healthStatus: 500 } });
    expect((await call(ollama.url, "/api/tags")).status).toBe(503);
    expect((await call(ollama.url, "/v1/models")).status).toBe(503);
    expect((await call(ollama.url, "/v1/models")).json).toMatchObject({ error: { message: expect.any(String) } });
    expect((await call(ollama.url, "/v1/chat/completions", { body: chat("llama3.1:8b") })).status).toBe(200);
    expect((await call(xllm.url, "/api/system")).status).toBe(500);
    expect((await call(xllm.url, "/api/health")).status).toBe(500);
  });

  it("hang never answers, and stop() still resolves promptly", async () => {
    const f = await startFake({ kind: "openai", faults: { hang: true } });
    const models = send(f.url, "/v1/models").then(
      () => "answered",
      () => "failed",
    );
    const chatting = send(f.url, "/v1/chat/completions", { body: chat("mock-model") }).then(
      () => "answered",
      () => "failed",
    );
    await until(() => f.requests.length === 2);
    await sleep(50);
    expect(f.inflight).toBe(1);
    const t0 = Date.now();
    await f.stop();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(await models).toBe("failed");
    expect(await chatting).toBe("failed");
    await until(() => f.aborted === 1);
    expect(f.inflight).toBe(0);
    expect(f.served).toBe(0);
  });

  it("hangInference answers the model list and never a completion (a wedged engine)", async () => {
    const f = await startFake({ kind: "vllm", faults: { hangInference: true } });
    expect((await call(f.url, "/v1/models")).status).toBe(200);
    const chatting = send(f.url, "/v1/chat/completions", { body: chat("mock-model") }).then(
      () => "answered",
      () => "failed",
    );
    await until(() => f.inflight === 1);
    await sleep(100);
    expect(f.served).toBe(0);
    await f.stop();
    expect(await chatting).toBe("failed");
  });

  it("dieAfterChunks cuts the stream after N content chunks", async () => {
    const f = await fake({ kind: "vllm", chunks: 5, faults: { dieAfterChunks: 2 } });
    const s = await readStream(
      await send(f.url, "/v1/chat/completions", { body: chat("mock-model", { stream: true }) }),
    );
    expect(s.error).toBeDefined();
    expect(s.frames).toHaveLength(2);
    expect(s.frames.map((fr) => (dataOf(fr) as unknown as ChunkBody).choices[0].delta?.content).join("")).toBe(
      "Hello ",
    );
    await until(() => f.inflight === 0);
    expect([f.served, f.aborted]).toEqual([0, 0]);
    f.setFaults({ dieAfterChunks: 0, chunkDelayMs: 5 });
    const none = await readStream(
      await send(f.url, "/v1/chat/completions", { body: chat("mock-model", { stream: true }) }),
    );
    expect(none.error).toBeDefined();
    expect(none.frames).toEqual([]);
  });

  it("stampChunks writes each frame after a comment holding the time of its write", async () => {
    const f = await fake({ kind: "openai", chunks: 3, faults: { chunkDelayMs: 20, stampChunks: true } });
    const before = process.hrtime.bigint();
    const s = await readStream(
      await send(f.url, "/v1/chat/completions", { body: chat("mock-model", { stream: true }) }),
    );
    const stamps = s.frames.filter((fr) => fr.startsWith(": t=")).map((fr) => BigInt(fr.slice(4)));
    const data = s.frames.filter((fr) => fr.startsWith("data: "));
    expect(stamps).toHaveLength(data.length); // 3 content frames, the finish frame, [DONE]
    expect(data.length).toBe(5);
    expect(stamps[0]).toBeGreaterThan(before);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i] - stamps[i - 1]).toBeGreaterThanOrEqual(15_000_000n);
    f.setFaults({ stampChunks: false });
    const plain = await readStream(
      await send(f.url, "/v1/chat/completions", { body: chat("mock-model", { stream: true }) }),
    );
    expect(plain.frames.some((fr) => fr.startsWith(":"))).toBe(false);
  });

  it("slowBytesMs sends a non-streaming body one byte at a time", async () => {
    const f = await fake({ kind: "openai", faults: { slowBytesMs: 1 } });
    const payload = JSON.stringify({ model: "mock-model", input: "x" });
    const { pieces, text } = await new Promise<{ pieces: number; text: string }>((resolve, reject) => {
      const req = request(
        `${f.url}/v1/embeddings`,
        { method: "POST", headers: { "content-type": "application/json" } },
        (res) => {
          let count = 0;
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => {
            count++;
            body += d;
          });
          res.on("end", () => resolve({ pieces: count, text: body }));
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
    expect(pieces).toBeGreaterThan(20);
    expect(JSON.parse(text)).toMatchObject({ object: "list" });
  });

  it("garbage answers every route with a 200 HTML page", async () => {
    const f = await fake({ kind: "ollama", apiKey: "k", faults: { garbage: true } });
    for (const [path, body] of [
      ["/v1/models", undefined],
      ["/api/tags", undefined],
      ["/v1/chat/completions", chat("llama3.1:8b")],
    ] as const) {
      const res = await send(f.url, path, { body });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await res.text()).toMatch(/^<!DOCTYPE html>/);
    }
  });

  it("omitUsage leaves usage out, also of streams that ask for it", async () => {
    const f = await fake({ kind: "openai", chunks: 2, faults: { omitUsage: true } });
    expect((await call(f.url, "/v1/chat/completions", { body: chat("mock-model") })).json).not.toHaveProperty("usage");
    expect((await call(f.url, "/v1/responses", { body: { model: "mock-model", input: "x" } })).json).not.toHaveProperty(
      "usage",
    );
    const s = await readStream(
      await send(f.url, "/v1/chat/completions", {
        body: chat("mock-model", { stream: true, stream_options: { include_usage: true } }),
      }),
    );
    expect(s.frames).toHaveLength(4);
    expect(s.frames.some((fr) => fr.includes("usage"))).toBe(false);
  });

  it("resetFaults returns to the faults given at start", async () => {
    const f = await fake({ kind: "openai", faults: { delayMs: 5 } });
    f.setFaults({ status: 503, hang: true, delayMs: undefined });
    expect(f.faults).toMatchObject({ status: 503, hang: true, delayMs: 5 });
    f.resetFaults();
    expect(f.faults).toEqual({
      delayMs: 5,
      chunkDelayMs: 0,
      stampChunks: false,
      status: null,
      healthStatus: null,
      hang: false,
      hangInference: false,
      dieAfterChunks: null,
      slowBytesMs: null,
      garbage: false,
      omitUsage: false,
      encoding: null,
      forceEncoding: false,
      answerBytes: null,
      extraHeaders: null,
      redirect: null,
      modelListBytes: null,
      metadataDelayMs: 0,
    });
  });

  it("counts a client that leaves mid-stream as aborted", async () => {
    const f = await fake({ kind: "openai", chunks: 10, faults: { chunkDelayMs: 20 } });
    const controller = new AbortController();
    const res = await send(f.url, "/v1/chat/completions", {
      body: chat("mock-model", { stream: true }),
      signal: controller.signal,
    });
    const reader = res.body?.getReader();
    await reader?.read();
    controller.abort();
    await until(() => f.aborted === 1);
    expect(f.inflight).toBe(0);
    expect(f.served).toBe(0);
  });
});

// ---- lifecycle and helpers ----

describe("lifecycle", () => {
  it("stop() refuses connections; start() listens again on the same port", async () => {
    const f = await fake({ kind: "openai" });
    const { port } = f;
    await call(f.url, "/v1/models");
    await f.stop();
    await expect(send(f.url, "/v1/models")).rejects.toThrow();
    await f.start();
    expect(f.port).toBe(port);
    expect((await call(f.url, "/v1/models")).status).toBe(200);
  });

  it("listens on a requested port", async () => {
    const port = await freePort();
    const f = await fake({ kind: "openai", port });
    expect(f.url).toBe(`http://127.0.0.1:${port}`);
  });

  it("deadUrl refuses connections; the hang server accepts and stays silent", async () => {
    await expect(send(await deadUrl(), "/v1/models")).rejects.toThrow();
    const hang = await startHangServer();
    const socket = connect(Number(new URL(hang.url).port), "127.0.0.1");
    await once(socket, "connect");
    socket.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let received = 0;
    socket.on("data", (d: Buffer) => (received += d.length));
    const closed = once(socket, "close");
    await sleep(50);
    expect(received).toBe(0);
    const t0 = Date.now();
    await hang.stop();
    await closed;
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it("the CLI prints one JSON line and stops on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "e2e/fakes/cli.ts",
        "--kind",
        "ollama",
        "--port",
        "0",
        "--models",
        "llama3.1:8b,nomic-embed-text",
        "--chunks",
        "3",
      ],
      { cwd: new URL("../..", import.meta.url), stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
      const printed = JSON.parse(line) as { url: string; kind: string };
      expect(printed).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), kind: "ollama" });
      const tags = await call<{ models: Array<{ name: string }> }>(printed.url, "/api/tags");
      expect(tags.json.models.map((m) => m.name)).toEqual(["llama3.1:8b", "nomic-embed-text"]);
      const s = await readStream(
        await send(printed.url, "/v1/chat/completions", { body: chat("llama3.1:8b", { stream: true }) }),
      );
      expect(s.frames).toHaveLength(5);
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      expect(await exited).toEqual([0, null]);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
