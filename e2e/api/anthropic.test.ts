// The official @anthropic-ai/sdk client against the load balancer's /v1/messages, with
// Ollama-, vLLM- and llama.cpp-style fake upstreams behind it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import Anthropic from "@anthropic-ai/sdk";
import { startServer, type TestServer } from "../harness/server";
import { call } from "../harness/http";
import { registerOnline, waitFor } from "../harness/endpoints";
import { startFake, type FakeKind, type FakeUpstream } from "../fakes/upstream";
import { TOOL_ARGUMENTS } from "../fakes/wire";

let s: TestServer;
let key: string;
/** x-api-key, as Anthropic's own clients send it */
let client: Anthropic;
const fakes: FakeUpstream[] = [];
const KINDS: Array<[FakeKind, string]> = [
  ["ollama", "llama3.1:8b"],
  ["vllm", "Qwen/Qwen2.5-7B"],
  ["llamacpp", "gemma-3-4b"],
];
const byKind = new Map<FakeKind, FakeUpstream>();
const TOOL = {
  name: "weather",
  description: "Forecast for a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" }, days: { type: "integer" } } },
};
const user = (content: string) => ({ role: "user" as const, content });
const chatBodies = (fake: FakeUpstream) =>
  fake.requests
    .filter((r) => r.path === "/v1/chat/completions")
    .map((r) => r.body as { messages: Array<Record<string, unknown>> });
const sdk = (opts: ConstructorParameters<typeof Anthropic>[0]) =>
  new Anthropic({ baseURL: s.url, maxRetries: 0, ...opts });

async function fakeAt(
  kind: FakeKind,
  model: string,
  opts: { chunks?: number; max?: number; delayMs?: number; chunkDelayMs?: number } = {},
) {
  const fake = await startFake({
    kind,
    models: [model],
    chunks: opts.chunks ?? 5,
    faults: { delayMs: opts.delayMs ?? 0, chunkDelayMs: opts.chunkDelayMs ?? 0 },
  });
  fakes.push(fake);
  const ep = await registerOnline(s.url, {
    name: `${kind}-${model}-${fakes.length}`,
    base_url: fake.url,
    max_concurrency: opts.max ?? null,
  });
  return { fake, id: ep.id };
}

beforeAll(async () => {
  s = await startServer({ env: { LLMLB_QUEUE_MAX: "1", LLMLB_QUEUE_TIMEOUT_SECS: "5" } });
  for (const [kind, model] of KINDS) byKind.set(kind, (await fakeAt(kind, model, { chunkDelayMs: 20 })).fake);
  key = (
    await call(s.url, "POST", "/api/api-keys", {
      key: "sk_debug",
      body: { name: "anthropic", permissions: ["openai.inference"] },
    })
  ).body.key;
  client = sdk({
    apiKey: null,
    authToken: null,
    defaultHeaders: { "x-api-key": key, "anthropic-version": "2023-06-01" },
  });
});
afterAll(async () => {
  await s?.stop();
  await Promise.all(fakes.map((f) => f.stop()));
});
afterEach(() => {
  for (const f of fakes) f.resetFaults();
});

describe.each(KINDS)("the Anthropic SDK through the load balancer, %s-style upstream", (kind, model) => {
  it("a plain message: text, end_turn, usage, the client's model name", async () => {
    const m = await client.messages.create({ model, max_tokens: 64, messages: [user("Hello!")] });
    expect(m).toMatchObject({
      type: "message",
      role: "assistant",
      model,
      stop_reason: "end_turn",
      stop_sequence: null,
    });
    expect(m.content).toEqual([{ type: "text", text: `Hello from ${kind}` }]);
    expect(m.usage).toMatchObject({ output_tokens: 10, input_tokens: expect.any(Number) });
    expect(m.usage.input_tokens).toBeGreaterThan(0);
    expect(chatBodies(byKind.get(kind)!).at(-1)).toMatchObject({
      model,
      max_tokens: 64,
      messages: [{ role: "user", content: "Hello!" }],
    });
  });

  it("a system prompt and a multi-turn conversation reach the upstream as chat messages", async () => {
    const m = await client.messages.create({
      model,
      max_tokens: 64,
      system: "Answer in one word.",
      messages: [user("Hi"), { role: "assistant", content: "Hello." }, user("How are you?")],
    });
    expect(m.content[0]).toMatchObject({ type: "text" });
    expect(chatBodies(byKind.get(kind)!).at(-1)!.messages).toEqual([
      { role: "system", content: "Answer in one word." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello." },
      { role: "user", content: "How are you?" },
    ]);
  });

  it("a streamed message: text deltas in order, then the final usage", async () => {
    const stream = client.messages.stream({ model, max_tokens: 64, messages: [user("Hi")] });
    const deltas: string[] = [];
    const types: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") deltas.push(event.delta.text);
    }
    const final = await stream.finalMessage();
    expect(deltas.length).toBeGreaterThanOrEqual(4);
    expect(deltas.join("")).toBe(`Hello from ${kind}`);
    expect(types[0]).toBe("message_start");
    expect(types.slice(-2)).toEqual(["message_delta", "message_stop"]);
    expect(final.usage.output_tokens).toBe(10);
    expect(final.usage.input_tokens).toBeGreaterThan(0);
    expect(final.stop_reason).toBe("end_turn");
  });

  it("a tool-use round trip: a tool_use block with parsed input, then a tool_result turn", async () => {
    const first = await client.messages.create({
      model,
      max_tokens: 64,
      tools: [TOOL],
      messages: [user("Weather in Tokyo?")],
    });
    expect(first.stop_reason).toBe("tool_use");
    const use = first.content.find((b) => b.type === "tool_use");
    expect(use).toMatchObject({ type: "tool_use", name: "weather", input: JSON.parse(TOOL_ARGUMENTS) });
    const second = await client.messages.create({
      model,
      max_tokens: 64,
      tools: [TOOL],
      messages: [
        user("Weather in Tokyo?"),
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: use!.type === "tool_use" ? use!.id : "", content: "Sunny, 21 °C" },
          ],
        },
      ],
    });
    expect(second.stop_reason).toBe("end_turn");
    expect(second.content[0]).toMatchObject({ type: "text", text: `Hello from ${kind}` });
    const sent = chatBodies(byKind.get(kind)!).at(-1)!.messages;
    expect(sent[1]).toMatchObject({
      role: "assistant",
      tool_calls: [{ type: "function", function: { name: "weather", arguments: TOOL_ARGUMENTS } }],
    });
    expect(sent[2]).toEqual({ role: "tool", tool_call_id: (use as { id: string }).id, content: "Sunny, 21 °C" });
  });

  it("a streamed tool call: input_json_delta fragments join to valid JSON", async () => {
    const stream = client.messages.stream({
      model,
      max_tokens: 64,
      tools: [TOOL],
      tool_choice: { type: "any" },
      messages: [user("Weather?")],
    });
    const fragments: string[] = [];
    for await (const event of stream)
      if (event.type === "content_block_delta" && event.delta.type === "input_json_delta")
        fragments.push(event.delta.partial_json);
    const final = await stream.finalMessage();
    expect(fragments.length).toBeGreaterThan(1);
    expect(JSON.parse(fragments.join(""))).toEqual(JSON.parse(TOOL_ARGUMENTS));
    expect(final.content).toEqual([
      expect.objectContaining({ type: "tool_use", name: "weather", input: JSON.parse(TOOL_ARGUMENTS) }),
    ]);
    expect(final.stop_reason).toBe("tool_use");
    expect(chatBodies(byKind.get(kind)!).at(-1)).toMatchObject({ tool_choice: "required" });
  });

  it("count_tokens: the router's estimate, close to what the upstream counts", async () => {
    const body = {
      model,
      system: "You are a careful assistant.",
      messages: [user("Tell me about the history of load balancing. ".repeat(40))],
    };
    const counted = await client.messages.countTokens(body);
    const answered = await client.messages.create({ ...body, max_tokens: 64 });
    const error = counted.input_tokens / answered.usage.input_tokens - 1;
    console.log(
      `count_tokens ${counted.input_tokens} vs the ${kind} fake's ${answered.usage.input_tokens} (${(error * 100).toFixed(1)} %)`,
    );
    expect(Math.abs(error)).toBeLessThanOrEqual(0.05);
  });
});

describe("authentication", () => {
  it("accepts Authorization: Bearer (the SDK's apiKey) as well as x-api-key", async () => {
    const m = await sdk({ apiKey: key }).messages.create({
      model: "llama3.1:8b",
      max_tokens: 8,
      messages: [user("Hi")],
    });
    expect(m.content[0]).toMatchObject({ type: "text" });
  });
});

describe("errors, as the SDK's typed errors", () => {
  const model = "llama3.1:8b";
  const expectError = async (
    p: Promise<unknown>,
    cls: new (...args: never[]) => InstanceType<typeof Anthropic.APIError>,
    status: number,
    type: string,
  ) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(cls);
    expect(err).toMatchObject({ status, type, error: { type: "error", error: { type } } });
    return err as InstanceType<typeof Anthropic.APIError>;
  };

  it("authentication_error", async () => {
    await expectError(
      sdk({ apiKey: null, defaultHeaders: { "x-api-key": "sk_wrong" } }).messages.create({
        model,
        max_tokens: 8,
        messages: [user("x")],
      }),
      Anthropic.AuthenticationError,
      401,
      "authentication_error",
    );
  });

  it("permission_error", async () => {
    const readOnly = (
      await call(s.url, "POST", "/api/api-keys", {
        key: "sk_debug",
        body: { name: "models-only", permissions: ["openai.models.read"] },
      })
    ).body.key;
    await expectError(
      sdk({ apiKey: readOnly }).messages.create({ model, max_tokens: 8, messages: [user("x")] }),
      Anthropic.PermissionDeniedError,
      403,
      "permission_error",
    );
  });

  it("not_found_error for an unknown model, with chat's message", async () => {
    const err = await expectError(
      client.messages.create({ model: "claude-unknown-model", max_tokens: 8, messages: [user("x")] }),
      Anthropic.NotFoundError,
      404,
      "not_found_error",
    );
    expect(err.apiMessage).toBe("The model 'claude-unknown-model' does not exist.");
  });

  it("invalid_request_error", async () => {
    const err = await expectError(
      client.messages.create({ model, messages: [user("x")] } as never),
      Anthropic.BadRequestError,
      400,
      "invalid_request_error",
    );
    expect(err.apiMessage).toMatch(/max_tokens/);
  });

  it("request_too_large (413)", async () => {
    await expectError(
      client.messages.create({ model, max_tokens: 8, messages: [user("x".repeat(21 * 1024 * 1024))] }),
      Anthropic.ContentTooLargeError,
      413,
      "request_too_large",
    );
  });

  it("rate_limit_error (429) with retry-after, and api_error, when every endpoint refuses", async () => {
    const { fake } = await fakeAt("vllm", "refusing-model");
    fake.setFaults({ status: 429 });
    const limited = await expectError(
      client.messages.create({ model: "refusing-model", max_tokens: 8, messages: [user("x")] }),
      Anthropic.RateLimitError,
      429,
      "rate_limit_error",
    );
    expect(limited.headers?.get("retry-after")).toBe("1");
    fake.setFaults({ status: 500 });
    await expectError(
      client.messages.create({ model: "refusing-model", max_tokens: 8, messages: [user("x")] }),
      Anthropic.InternalServerError,
      500,
      "api_error",
    );
  });
});

describe("routed like chat completions", () => {
  it("fails over: an endpoint answering 500 costs the client nothing", async () => {
    const a = await fakeAt("ollama", "failover-model");
    const b = await fakeAt("vllm", "failover-model");
    a.fake.setFaults({ status: 500 });
    for (let i = 0; i < 4; i++)
      expect(
        (await client.messages.create({ model: "failover-model", max_tokens: 8, messages: [user("x")] })).content[0],
      ).toMatchObject({ type: "text" });
    expect(b.fake.served).toBe(4);
  });

  it("queues at max_concurrency, and a full queue is overloaded_error (529)", async () => {
    const only = await fakeAt("llamacpp", "queued-model", { max: 1, delayMs: 400 });
    const results = await Promise.allSettled(
      Array.from({ length: 3 }, () =>
        client.messages.create({ model: "queued-model", max_tokens: 8, messages: [user("x")] }),
      ),
    );
    // one running, one queued (LLMLB_QUEUE_MAX=1): both served; the third finds the queue full
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(Anthropic.OverloadedError);
    expect(refused.reason).toMatchObject({ status: 529, type: "overloaded_error" });
    expect(only.fake.served).toBe(2);
  });

  it("a stream cut mid-way ends with an error event", async () => {
    const { fake } = await fakeAt("vllm", "cut-model", { chunks: 6 });
    fake.setFaults({ dieAfterChunks: 2 });
    const res = await fetch(`${s.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": key, "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({ model: "cut-model", max_tokens: 8, stream: true, messages: [user("x")] }),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toMatch(/^event: message_start\n/);
    expect(text).toMatch(/event: content_block_delta\n/);
    expect(
      text.endsWith(
        `event: error\ndata: {"type":"error","error":{"type":"api_error","message":"The upstream endpoint failed mid-stream."}}\n\n`,
      ),
    ).toBe(true);
    expect(text).not.toMatch(/message_stop/);
    // and the SDK raises it
    await fake.start();
    const stream = client.messages.stream({ model: "cut-model", max_tokens: 8, messages: [user("x")] });
    const err = await (async () => {
      for await (const _ of stream);
    })().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err).toMatchObject({ type: "api_error" });
  });

  it("request history, TPS and /metrics count these requests like chat", async () => {
    const ollama = byKind.get("ollama")!;
    await waitFor(
      async () =>
        Number(
          (
            await s
              .db()
              .execute(
                "SELECT count(*) AS n FROM request_log WHERE route = '/v1/messages' AND model = 'llama3.1:8b' AND status = 200",
              )
          ).rows[0].n,
        ) >= 7,
      5000,
    );
    const rows = (
      await s
        .db()
        .execute(
          "SELECT stream, completion_tokens, prompt_tokens, endpoint_id FROM request_log WHERE route = '/v1/messages' AND model = 'llama3.1:8b' AND status = 200",
        )
    ).rows;
    expect(rows.some((r) => Number(r.stream) === 1 && Number(r.completion_tokens) === 10)).toBe(true);
    expect(rows.every((r) => Number(r.completion_tokens) === 10 && Number(r.prompt_tokens) > 0 && r.endpoint_id)).toBe(
      true,
    );
    const endpoints = (await call(s.url, "GET", "/api/endpoints", { key: "sk_debug" })).body.endpoints as Array<{
      id: string;
      base_url: string;
    }>;
    const ep = endpoints.find((e) => e.base_url === ollama.url)!;
    await waitFor(
      async () =>
        (await call(s.url, "GET", `/api/endpoints/${ep.id}`, { key: "sk_debug" })).body.models.some(
          (m: { tps: number | null }) => (m.tps ?? 0) > 0,
        ),
      5000,
    );
    const metrics = await fetch(`${s.url}/metrics`, { headers: { authorization: "Bearer sk_debug" } }).then((r) =>
      r.text(),
    );
    expect(metrics).toMatch(
      /llmlb_requests_total\{model="llama3\.1:8b",endpoint="ollama-llama3\.1:8b-1",status="200",outcome="success"\} \d+/,
    );
    expect(metrics).toMatch(/llmlb_requests_total\{model="queued-model",endpoint="",status="529",outcome="error"\} 1/);
  });
});
