// The /v1 core without a server or sockets: handleV1 → Exchange → Attempt against undici's MockAgent, with a
// DataPlane built from a fake read-only database. Failover, streams, a client leaving, the queue and accounting.
import { EventEmitter } from "node:events";
import { IncomingMessage, ServerResponse } from "node:http";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { MockAgent, type Dispatcher } from "undici";
import type { ReadDb } from "../db/client";
import { endpointModels, endpointModelStats, endpoints, type EndpointRow } from "../db/schema";
import type { Env } from "../env";
import type { RuntimeEvents } from "../runtime";
import { createDataPlane, type ControlWrite, type DataPlane } from "./data-plane";
import { handleV1 } from "./handler";

const MODEL = "m";
const config = { LLMLB_MAX_RETRIES: 2, LLMLB_DEBUG_KEYS: true, LLMLB_SECRET: "a-test-secret-of-some-length", LLMLB_QUEUE_MAX: 10, LLMLB_QUEUE_TIMEOUT_SECS: 5, LLMLB_BODY_TIMEOUT_SECS: 5 } as Env;

function endpointRow(id: string, maxConcurrency: number | null = null): EndpointRow {
  return {
    id,
    name: id,
    baseUrl: `http://${id}.test`,
    apiKey: null,
    status: "online",
    endpointType: "openai_compatible",
    healthCheckIntervalSecs: 30,
    inferenceTimeoutSecs: 10,
    maxConcurrency,
    latencyMs: null,
    lastSeenAt: null,
    lastCheckedAt: null,
    lastError: null,
    consecutiveFailures: 0,
    registeredAt: 0,
    updatedAt: 0,
    notes: null,
    typeDetectedAt: null,
    modelsSyncedAt: null,
  } as EndpointRow;
}

/** A read-only database holding these endpoints, each serving MODEL. */
function fakeDb(rows: EndpointRow[]): ReadDb {
  const tables = new Map<unknown, unknown[]>([
    [endpoints, rows],
    [endpointModels, rows.map((r) => ({ endpointId: r.id, modelId: MODEL, syncedAt: 0 }))],
    [endpointModelStats, []],
  ]);
  const answer = (rows: unknown[]) => Object.assign(Promise.resolve(rows), { where: () => Promise.resolve(rows) });
  return { select: () => ({ from: (t: unknown) => answer(tables.get(t) ?? []) }) } as unknown as ReadDb;
}

let agent: MockAgent;
/** The origin's pool as the proxy uses it: dispatched through the MockAgent, which accepts undici's handler API. */
const mockPool = (origin: string) => ({ dispatch: (opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) => agent.dispatch({ ...opts, origin }, handler) }) as unknown as Dispatcher;
afterEach(async () => {
  await agent?.close();
});

async function plane(rows: EndpointRow[]): Promise<{ plane: DataPlane; writes: ControlWrite[] }> {
  agent = new MockAgent();
  agent.disableNetConnect();
  const writes: ControlWrite[] = [];
  const p = createDataPlane({ config, db: async () => fakeDb(rows), events: new EventEmitter<RuntimeEvents>(), write: (w) => writes.push(w), pools: { for: (origin) => mockPool(origin), close: async () => undefined } });
  await p.table.reload();
  return { plane: p, writes };
}

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Decodes what the response wrote to its socket: status, headers and the (de-chunked) body. */
function parse(raw: string): Sent {
  const head = raw.indexOf("\r\n\r\n");
  const lines = raw.slice(0, head).split("\r\n");
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) headers[l.slice(0, l.indexOf(":")).toLowerCase()] = l.slice(l.indexOf(":") + 1).trim();
  let body = raw.slice(head + 4);
  if (headers["transfer-encoding"] === "chunked") {
    let out = "";
    for (let i = 0; ; ) {
      const eol = body.indexOf("\r\n", i);
      const size = parseInt(body.slice(i, eol), 16);
      if (!size) break;
      out += body.slice(eol + 2, eol + 2 + size);
      i = eol + 2 + size + 2;
    }
    body = out;
  }
  return { status: Number(lines[0].split(" ")[1]), headers, body };
}

/** One request through handleV1: resolves when the response finishes (or the socket is destroyed). */
function request(p: DataPlane, body: unknown, opts: { leaveAfterMs?: number } = {}): Promise<Sent & { raw: string }> {
  const socket = new PassThrough();
  let raw = "";
  socket.on("data", (d) => (raw += d));
  const req = new IncomingMessage(socket as never);
  req.method = "POST";
  req.url = "/v1/chat/completions";
  req.rawHeaders = ["Authorization", "Bearer sk_debug", "Content-Type", "application/json"];
  const res = new ServerResponse(req);
  res.assignSocket(socket as never);
  const done = new Promise<Sent & { raw: string }>((resolve) => res.once("close", () => resolve({ ...(raw ? parse(raw) : { status: 0, headers: {}, body: "" }), raw })));
  handleV1(p, req, res);
  req.push(Buffer.from(JSON.stringify(body)));
  req.complete = true; // as node's parser marks a request read to its end (else its end would abort the socket)
  req.push(null);
  if (opts.leaveAfterMs !== undefined) setTimeout(() => socket.destroy(), opts.leaveAfterMs);
  else res.once("finish", () => socket.destroy());
  return done;
}

const chat = { model: MODEL, messages: [{ role: "user", content: "hi" }] };
const answer = { id: "x", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: "hello" }, finish_reason: "stop" }], usage: { prompt_tokens: 3, completion_tokens: 7, total_tokens: 10 } };
const json = { headers: { "content-type": "application/json" } };
const intercept = (origin: string) => agent.get(origin).intercept({ path: "/v1/chat/completions", method: "POST" });
const failed = (writes: ControlWrite[]) => writes.filter((w) => w.t === "endpoint-failed").map((w) => (w as { endpointId: string }).endpointId);

describe("Exchange through MockAgent", () => {
  it("a connection error fails over to the next endpoint and is held against the first", async () => {
    const { plane: p, writes } = await plane([endpointRow("a"), endpointRow("b")]);
    intercept("http://a.test").replyWithError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    intercept("http://b.test").reply(200, answer, json);
    // the first pick may be either: whichever it is, the client gets b's answer
    intercept("http://b.test").reply(200, answer, json);
    intercept("http://a.test").replyWithError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    const r = await request(p, chat);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).choices[0].message.content).toBe("hello");
    expect(r.headers["x-llmlb-endpoint-id"]).toBe("b");
    if (failed(writes).length) expect(failed(writes)).toEqual(["a"]);
  });

  it.each([
    ["a 5xx", 503, true],
    ["a 429", 429, false],
  ])("%s fails over; held against the endpoint: %s", async (_, status, blamed) => {
    const { plane: p, writes } = await plane([endpointRow("a"), endpointRow("b")]);
    for (const origin of ["http://a.test", "http://b.test"]) intercept(origin).reply(status, { error: { message: "busy" } }, { headers: { "content-type": "application/json", "retry-after": "3" } });
    const r = await request(p, chat);
    expect(r.status).toBe(status);
    expect(JSON.parse(r.body).error.code).toBe(status === 429 ? "rate_limited" : "upstream_error");
    expect(r.headers["retry-after"]).toBe("3");
    expect(failed(writes).sort()).toEqual(blamed ? ["a", "b"] : []);
  });

  it("a 2xx that is not JSON fails over", async () => {
    const { plane: p, writes } = await plane([endpointRow("a"), endpointRow("b")]);
    intercept("http://a.test").reply(200, "<html>hi</html>", { headers: { "content-type": "text/html" } });
    intercept("http://b.test").reply(200, "<html>hi</html>", { headers: { "content-type": "text/html" } });
    const r = await request(p, chat);
    expect(r.status).toBe(502);
    expect(JSON.parse(r.body).error.code).toBe("upstream_unreachable");
    expect(failed(writes).sort()).toEqual(["a", "b"]);
  });

  it("a stream is relayed with the injected usage chunk stripped, and its usage logged", async () => {
    const { plane: p } = await plane([endpointRow("a")]);
    const sse = [
      'data: {"choices":[{"index":0,"delta":{"content":"he"}}]}',
      'data: {"choices":[{"index":0,"delta":{"content":"llo"}}]}',
      'data: {"choices":[],"usage":{"prompt_tokens":2,"completion_tokens":5,"total_tokens":7}}',
      "data: [DONE]",
    ].map((e) => `${e}\n\n`);
    intercept("http://a.test").reply(200, sse.join(""), { headers: { "content-type": "text/event-stream" } });
    const rows: unknown[][] = [];
    p.requestLog.sink = async (args) => void rows.push(args);
    const r = await request(p, { ...chat, stream: true });
    expect(r.status).toBe(200);
    expect(r.body).toBe(sse[0] + sse[1] + sse[3]);
    await p.requestLog.flush();
    // columns 11 and 12 of a row: prompt and completion tokens (lib/observability/request-log.ts COLUMNS)
    expect(rows[0].slice(11, 13)).toEqual([2, 5]);
  });

  it("a client leaving cancels the upstream request, and is not the endpoint's failure", async () => {
    const { plane: p, writes } = await plane([endpointRow("a"), endpointRow("b")]);
    intercept("http://a.test").reply(200, answer, json).delay(500);
    intercept("http://b.test").reply(200, answer, json).delay(500);
    const rows: unknown[][] = [];
    p.requestLog.sink = async (args) => void rows.push(args);
    const t0 = Date.now();
    await request(p, chat, { leaveAfterMs: 50 });
    await p.requestLog.flush();
    expect(Date.now() - t0).toBeLessThan(400);
    expect(rows[0].at(-1)).toBe("client_disconnected");
    expect(failed(writes)).toEqual([]);
    expect(p.inflight).toBe(0);
  });

  it("at max_concurrency the next request queues and is served when the slot frees", async () => {
    const { plane: p } = await plane([endpointRow("a", 1)]);
    intercept("http://a.test").reply(200, answer, json).delay(150).times(2);
    const first = request(p, chat);
    await new Promise((r) => setTimeout(r, 20));
    const second = request(p, chat);
    await new Promise((r) => setTimeout(r, 20));
    expect(p.queue.depth).toBe(1);
    const [a, b] = await Promise.all([first, second]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(p.queue.depth).toBe(0);
  });

  it("accounting: the counters and the TPS figure reach the control thread in one flush", async () => {
    const { plane: p, writes } = await plane([endpointRow("a")]);
    intercept("http://a.test").reply(200, answer, json).times(3);
    for (let i = 0; i < 3; i++) expect((await request(p, chat)).status).toBe(200);
    p.stats.flush();
    const stats = writes.filter((w) => w.t === "stats");
    expect(stats).toHaveLength(1);
    const [d] = (stats[0] as Extract<ControlWrite, { t: "stats" }>).deltas;
    expect(d).toMatchObject({ endpointId: "a", modelId: MODEL, requests: 3, successes: 3, failures: 0, outputTokens: 21 });
    expect(d.tpsEma).toBe(p.table.tpsOf("a", MODEL));
    expect(d.tpsEma).toBeGreaterThan(0);
  });
});
