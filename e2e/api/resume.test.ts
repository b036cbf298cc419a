// Resume: a /v1/chat/completions stream whose upstream dies mid-way continues on another endpoint of the
// model (vLLM and llama.cpp fakes with the same reply text), as the same stream, ending in [DONE], usage summed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { call } from "../harness/http";
import { registerOnline, waitFor } from "../harness/endpoints";
import { startFake, type FakeUpstream } from "../fakes/upstream";

const CHUNKS = 24;
const MODEL = "resume-model";
let on: TestServer;
let off: TestServer;
const fakes: FakeUpstream[] = [];

/** mulberry32: the kill points are the same every run */
function seeded(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Read {
  text: string;
  done: boolean;
  error: boolean;
  resumed: boolean;
  ids: Set<string>;
  roles: number;
  usage: { completion_tokens: number } | null;
}

function readSse(raw: string): Read {
  const r: Read = {
    text: "",
    done: false,
    error: false,
    resumed: raw.includes(": llmlb-resumed"),
    ids: new Set(),
    roles: 0,
    usage: null,
  };
  for (const event of raw.split("\n\n")) {
    const data = event
      .split("\n")
      .find((l) => l.startsWith("data: "))
      ?.slice(6);
    if (!data) continue;
    if (data === "[DONE]") r.done = true;
    else {
      const j = JSON.parse(data);
      if (j.error) r.error = true;
      if (j.id) r.ids.add(j.id);
      if (j.usage) r.usage = j.usage;
      for (const c of j.choices ?? []) {
        expect(c.index).toBe(0);
        if (c.delta?.role) r.roles++;
        r.text += c.delta?.content ?? "";
      }
    }
  }
  return r;
}

const stream = (s: TestServer, extra: Record<string, unknown> = {}) =>
  call(s.url, "POST", "/v1/chat/completions", {
    key: "sk_debug",
    body: {
      model: MODEL,
      stream: true,
      max_tokens: 100,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "hi" }],
      ...extra,
    },
  });

async function pair(s: TestServer, tag: string) {
  const out: FakeUpstream[] = [];
  for (const kind of ["vllm", "llamacpp"] as const) {
    const fake = await startFake({ kind, models: [MODEL], chunks: CHUNKS, completionTokens: CHUNKS, name: "resumer" });
    fakes.push(fake);
    await registerOnline(s.url, { name: `${tag}-${kind}`, base_url: fake.url, health_check_interval_secs: 300 });
    out.push(fake);
  }
  return out;
}

let onFakes: FakeUpstream[];
let offFakes: FakeUpstream[];
beforeAll(async () => {
  [on, off] = await Promise.all([startServer(), startServer({ env: { LLMLB_STREAM_RESUME: "0" } })]);
  onFakes = await pair(on, "on");
  offFakes = await pair(off, "off");
}, 60_000);
afterAll(async () => {
  await Promise.all([on?.stop(), off?.stop()]);
  await Promise.all(fakes.map((f) => f.stop()));
});

describe("stream resume", () => {
  it("200 streams killed at a random chunk: one uninterrupted answer each, usage the sum", async () => {
    const expected = onFakes[0].text;
    expect(onFakes[1].text).toBe(expected);
    const random = seeded(16);
    let done = 0;
    for (let i = 0; i < 200; i++) {
      const kill = 1 + Math.floor(random() * (CHUNKS - 1)); // after 1..23 content chunks
      // the endpoint cut last time left routing until its health check (run at once) passed: both serve again
      await waitFor(
        async () =>
          (await call(on.url, "GET", "/api/endpoints", { key: "sk_debug" })).body.endpoints.every(
            (e: { status: string }) => e.status === "online",
          ),
        10_000,
        20,
      );
      for (const f of onFakes) f.setFaults({ dieAfterChunks: kill });
      const r = await stream(on);
      expect(r.status).toBe(200);
      const got = readSse(r.text);
      if (got.done) done++;
      expect(got.resumed).toBe(true);
      expect(got.error).toBe(false);
      expect(got.text).toBe(expected);
      expect(got.ids.size).toBe(1);
      expect(got.roles).toBe(1);
      expect(got.usage?.completion_tokens).toBe(CHUNKS);
    }
    expect(done / 200).toBeGreaterThanOrEqual(0.99);
    // the continuation asked exactly for the rest, each engine in its own way
    const continued = onFakes.flatMap((f) =>
      f.requests
        .filter(
          (q) => (q.body as { messages?: Array<{ role: string }> } | undefined)?.messages?.at(-1)?.role === "assistant",
        )
        .map((q) => ({ kind: f.kind, body: q.body as Record<string, unknown> })),
    );
    expect(continued.length).toBe(200);
    for (const { kind, body } of continued) {
      const sent = (body.messages as Array<{ content: string }>).at(-1)!.content;
      expect(expected.startsWith(sent)).toBe(true);
      expect(body.max_tokens).toBeLessThan(100);
      if (kind === "vllm") expect(body).toMatchObject({ continue_final_message: true, add_generation_prompt: false });
      else expect(body).not.toHaveProperty("continue_final_message");
    }
    expect(new Set(continued.map((c) => c.kind))).toEqual(new Set(["vllm", "llamacpp"]));
    for (const f of onFakes) f.resetFaults();
  }, 120_000);

  it("the log names both endpoints, summed tokens, success", async () => {
    await new Promise((r) => setTimeout(r, 500)); // the request log is written in batches
    const list = await call(on.url, "GET", "/api/requests?page_size=5", { key: "sk_debug" });
    const row = list.body.requests[0];
    expect(row).toMatchObject({
      outcome: "success",
      completion_tokens: CHUNKS,
      resumed_endpoint_id: expect.any(String),
    });
    expect(row.resumed_endpoint_id).not.toBe(row.endpoint_id);
  });

  it("with tools in the request: the error event, never a resumed stream", async () => {
    for (const f of onFakes) f.setFaults({ dieAfterChunks: 1 });
    const r = await stream(on, {
      tools: [{ type: "function", function: { name: "f", parameters: {} } }],
      tool_choice: "none",
    });
    for (const f of onFakes) f.resetFaults();
    const got = readSse(r.text);
    expect(got).toMatchObject({ resumed: false, error: true, done: false });
  });

  it("with LLMLB_STREAM_RESUME=0: the error event", async () => {
    for (const f of offFakes) f.setFaults({ dieAfterChunks: 5 });
    const got = readSse((await stream(off)).text);
    for (const f of offFakes) f.resetFaults();
    expect(got).toMatchObject({ resumed: false, error: true, done: false });
    expect(got.text).toBe(offFakes[0].text.slice(0, got.text.length));
  });
});
