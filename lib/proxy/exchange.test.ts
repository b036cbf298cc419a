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
import { COLUMNS } from "../observability/request-log";

const MODEL = "m";
const config = {
  LLMLB_MAX_RETRIES: 2,
  LLMLB_DEBUG_KEYS: true,
  LLMLB_SECRET: "a-test-secret-of-some-length",
  LLMLB_QUEUE_MAX: 10,
  LLMLB_QUEUE_TIMEOUT_SECS: 5,
  LLMLB_BODY_TIMEOUT_SECS: 5,
} as Env;

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
const mockPool = (origin: string) =>
  ({
    dispatch: (opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) =>
      agent.dispatch({ ...opts, origin }, handler),
  }) as unknown as Dispatcher;
afterEach(async () => {
  await agent?.close();
});

async function plane(rows: EndpointRow[]): Promise<{ plane: DataPlane; writes: ControlWrite[] }> {
  agent = new MockAgent();
  agent.disableNetConnect();
  const writes: ControlWrite[] = [];
  const p = createDataPlane({
    config,
    db: async () => fakeDb(rows),
    events: new EventEmitter<RuntimeEvents>(),
    write: (w) => writes.push(w),
    pools: { for: (origin) => mockPool(origin), close: async () => undefined },
  });
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
  for (const l of lines.slice(1))
    headers[l.slice(0, l.indexOf(":")).toLowerCase()] = l.slice(l.indexOf(":") + 1).trim();
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

/** A dispatcher driven by hand: headers, then chunks at the given times, then an error (a cut) or the end. */
function scripted(steps: { chunks: Array<[number, string]>; cut: boolean }, seen: { abortedAt?: number }) {
  return {
    dispatch(_opts: Dispatcher.DispatchOptions, h: Dispatcher.DispatchHandler) {
      const timers: NodeJS.Timeout[] = [];
      const controller = {
        abort: () => {
          seen.abortedAt ??= Date.now();
          timers.forEach(clearTimeout);
          h.onResponseError?.(controller as never, new Error("aborted"));
        },
        pause() {},
        resume() {},
      };
      h.onRequestStart?.(controller as never, {});
      h.onResponseStart?.(controller as never, 200, { "content-type": "text/event-stream" }, "OK");
      let last = 0;
      for (const [at, data] of steps.chunks)
        (last = Math.max(last, at)),
          timers.push(setTimeout(() => h.onResponseData?.(controller as never, Buffer.from(data)), at));
      timers.push(
        setTimeout(
          () =>
            steps.cut
              ? h.onResponseError?.(
                  controller as never,
                  Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
                )
              : h.onResponseEnd?.(controller as never, {}),
          last + 10,
        ),
      );
      return true;
    },
  } as unknown as Dispatcher;
}

/** One request through handleV1: resolves when the response finishes (or the socket is destroyed). */
function request(
  p: DataPlane,
  body: unknown,
  opts: { leaveAfterMs?: number; route?: string } = {},
): Promise<Sent & { raw: string }> {
  const socket = new PassThrough();
  let raw = "";
  socket.on("data", (d) => (raw += d));
  const req = new IncomingMessage(socket as never);
  req.method = "POST";
  req.url = opts.route ?? "/v1/chat/completions";
  req.rawHeaders = ["Authorization", "Bearer sk_debug", "Content-Type", "application/json"];
  const res = new ServerResponse(req);
  res.assignSocket(socket as never);
  const done = new Promise<Sent & { raw: string }>((resolve) =>
    res.once("close", () => resolve({ ...(raw ? parse(raw) : { status: 0, headers: {}, body: "" }), raw })),
  );
  handleV1(p, req, res);
  req.push(Buffer.from(JSON.stringify(body)));
  req.complete = true; // as node's parser marks a request read to its end (else its end would abort the socket)
  req.push(null);
  if (opts.leaveAfterMs !== undefined) setTimeout(() => socket.destroy(), opts.leaveAfterMs);
  else res.once("finish", () => socket.destroy());
  return done;
}

/** A request-log row's values by field name (the row is flat, in COLUMNS order). */
const cols = (row: unknown[], ...fields: string[]) =>
  fields.map((f) => row[COLUMNS.findIndex(([, name]) => name === f)]);

const chat = { model: MODEL, messages: [{ role: "user", content: "hi" }] };
const answer = {
  id: "x",
  object: "chat.completion",
  choices: [{ index: 0, message: { role: "assistant", content: "hello" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 3, completion_tokens: 7, total_tokens: 10 },
};
const json = { headers: { "content-type": "application/json" } };
const intercept = (origin: string) => agent.get(origin).intercept({ path: "/v1/chat/completions", method: "POST" });
const failed = (writes: ControlWrite[]) =>
  writes.filter((w) => w.t === "endpoint-failed").map((w) => (w as { endpointId: string }).endpointId);

describe("Exchange through MockAgent", () => {
  it("a connection error fails over to the next endpoint and is held against the first", async () => {
    const { plane: p, writes } = await plane([endpointRow("a"), endpointRow("b")]);
    intercept("http://a.test").replyWithError(
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    );
    intercept("http://b.test").reply(200, answer, json);
    // the first pick may be either: whichever it is, the client gets b's answer
    intercept("http://b.test").reply(200, answer, json);
    intercept("http://a.test").replyWithError(
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    );
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
    for (const origin of ["http://a.test", "http://b.test"])
      intercept(origin).reply(
        status,
        { error: { message: "busy" } },
        { headers: { "content-type": "application/json", "retry-after": "3" } },
      );
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
    expect(cols(rows[0], "promptTokens", "completionTokens")).toEqual([2, 5]);
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
    // the last two columns: error_code, outcome
    expect(cols(rows[0], "errorCode", "outcome")).toEqual(["client_disconnected", "cancelled"]);
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
    expect(d).toMatchObject({
      endpointId: "a",
      modelId: MODEL,
      requests: 3,
      successes: 3,
      failures: 0,
      outputTokens: 21,
    });
    expect(d.tpsEma).toBe(p.table.tpsOf("a", MODEL));
    expect(d.tpsEma).toBeGreaterThan(0);
  });

  const delta = (c: string) => `data: {"choices":[{"index":0,"delta":{"content":"${c}"}}]}\n\n`;
  const rowsOf = (p: DataPlane) => {
    const rows: unknown[][] = [];
    p.requestLog.sink = async (args) => void rows.push(args);
    return rows;
  };

  it("keep-alive: a stream silent before its first token is committed and gets comments, then its events", async () => {
    const { plane: p } = await plane([endpointRow("a")]);
    p.config.keepAliveMs = 40;
    intercept("http://a.test")
      .reply(200, `${delta("hi")}data: [DONE]\n\n`, { headers: { "content-type": "text/event-stream" } })
      .delay(150);
    const r = await request(p, { ...chat, stream: true });
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("text/event-stream");
    expect(r.body).toMatch(/^(: keep-alive\n\n){2,}data: \{"choices".*"hi"[\s\S]*data: \[DONE\]\n\n$/);
  });

  it("keep-alive off (0): nothing is written before the answer; non-streaming requests never get one", async () => {
    const { plane: p } = await plane([endpointRow("a")]);
    p.config.keepAliveMs = 0;
    intercept("http://a.test")
      .reply(200, `${delta("hi")}data: [DONE]\n\n`, { headers: { "content-type": "text/event-stream" } })
      .delay(100);
    expect((await request(p, { ...chat, stream: true })).body).toBe(`${delta("hi")}data: [DONE]\n\n`);
    p.config.keepAliveMs = 20;
    intercept("http://a.test").reply(200, answer, json).delay(100);
    const plain = await request(p, chat);
    expect(plain.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(plain.body).choices[0].message.content).toBe("hello");
  });

  it("failover still happens after keep-alive comments, before any data", async () => {
    const { plane: p, writes } = await plane([endpointRow("a"), endpointRow("b")]);
    p.config.keepAliveMs = 30;
    const sse = { headers: { "content-type": "text/event-stream" } };
    // whichever endpoint is tried first fails after the comments went out; the second answers
    let calls = 0;
    p.pools.for = () => mockPool(calls++ === 0 ? "http://fail.test" : "http://ok.test");
    intercept("http://fail.test")
      .reply(503, { error: { message: "down" } }, json)
      .delay(120);
    intercept("http://ok.test").reply(200, `${delta("ok")}data: [DONE]\n\n`, sse);
    const r = await request(p, { ...chat, stream: true });
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/^(: keep-alive\n\n)+data: .*"ok"[\s\S]*data: \[DONE\]\n\n$/);
    expect(failed(writes)).toHaveLength(1);
  });

  it("every endpoint failing after the commit: an SSE error event, never [DONE], outcome error", async () => {
    const { plane: p } = await plane([endpointRow("a"), endpointRow("b")]);
    p.config.keepAliveMs = 30;
    for (const o of ["http://a.test", "http://b.test"])
      intercept(o)
        .reply(503, { error: { message: "down" } }, json)
        .delay(80);
    const rows = rowsOf(p);
    const r = await request(p, { ...chat, stream: true });
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/^(: keep-alive\n\n)+data: \{"error":\{.*"code":"upstream_error"\}\}\n\n$/);
    expect(r.body).not.toContain("[DONE]");
    await p.requestLog.flush();
    expect(cols(rows[0], "outcome")).toEqual(["error"]);
  });

  it("the Anthropic route: its ping as keep-alive, its error event after the commit", async () => {
    const { plane: p } = await plane([endpointRow("a")]);
    p.config.keepAliveMs = 30;
    intercept("http://a.test")
      .reply(503, { error: { message: "down" } }, json)
      .delay(100);
    const r = await request(
      p,
      { model: MODEL, max_tokens: 5, stream: true, messages: [{ role: "user", content: "hi" }] },
      { route: "/v1/messages" },
    );
    expect(r.body).toMatch(
      /^(event: ping\ndata: \{"type":"ping"\}\n\n)+event: error\ndata: \{"type":"error","error":\{"type":"api_error"/,
    );
  });

  it("a stream cut mid-way is incomplete (log and /metrics), and never followed by [DONE]", async () => {
    const { plane: p } = await plane([endpointRow("a")]);
    const seen = {};
    p.pools.for = () =>
      scripted(
        {
          chunks: [
            [5, delta("he")],
            [10, delta("llo")],
          ],
          cut: true,
        },
        seen,
      );
    const rows = rowsOf(p);
    const r = await request(p, { ...chat, stream: true });
    expect(r.body).toBe(
      delta("he") +
        delta("llo") +
        `data: {"error":{"message":"the upstream endpoint failed mid-stream","type":"server_error","param":null,"code":"upstream_stream_error"}}\n\n`,
    );
    await p.requestLog.flush();
    expect(cols(rows[0], "errorCode", "outcome")).toEqual(["upstream_stream_error", "incomplete"]);
    const metrics = p.metrics.render({ inflight: 0, queueDepth: 0, requestLogDropped: 0, endpoints: [] }, null);
    expect(metrics).toContain('status="200",outcome="incomplete"} 1');
  });

  it("a client leaving a stream aborts the upstream within 1 s and is cancelled", async () => {
    const { plane: p } = await plane([endpointRow("a")]);
    const seen: { abortedAt?: number } = {};
    p.pools.for = () =>
      scripted(
        {
          chunks: [
            [5, delta("he")],
            [5000, delta("llo")],
          ],
          cut: false,
        },
        seen,
      );
    const rows = rowsOf(p);
    const t0 = Date.now();
    await request(p, { ...chat, stream: true }, { leaveAfterMs: 100 });
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.abortedAt).toBeDefined();
    expect(seen.abortedAt! - t0 - 100).toBeLessThan(1000);
    await p.requestLog.flush();
    expect(cols(rows[0], "errorCode", "outcome")).toEqual(["client_disconnected", "cancelled"]);
    expect(p.inflight).toBe(0);
  });
});
