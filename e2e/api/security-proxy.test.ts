// What an attacker or a careless client could do to /v1 (issue 14), end to end against the real server: Expect:
// 100-continue, compressed upstreams, invented model names, loops, huge answers, spoofed headers, redirects and one
// key filling the admission queue.
import http from "node:http";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import OpenAI from "openai";
import { startServer, type TestServer } from "../harness/server";
import { call, postExpectingContinue } from "../harness/http";
import { registerOnline, waitFor } from "../harness/endpoints";
import { startFake, type FakeEncoding, type FakeFaults, type FakeUpstream } from "../fakes/upstream";
import { clusterId } from "../../lib/cluster/via";

const SECRET = "security-proxy-test-secret-0123456789";
let s: TestServer;
const fakes: FakeUpstream[] = [];
const closers: Array<() => Promise<unknown>> = [];
let client: OpenAI;

async function serve(
  model: string,
  opts: { faults?: Partial<FakeFaults>; max_concurrency?: number; name?: string } = {},
) {
  const fake = await startFake({ kind: "openai", models: [model], faults: opts.faults });
  fakes.push(fake);
  const ep = await registerOnline(s.url, {
    name: opts.name ?? `${model}-${fakes.length}`,
    base_url: fake.url,
    ...(opts.max_concurrency ? { max_concurrency: opts.max_concurrency } : {}),
  });
  return { fake, id: ep.id as string };
}
const status = async (id: string) =>
  (await call(s.url, "GET", `/api/endpoints/${id}`, { key: "sk_debug" })).body.status as string;
const chat = (
  model: string,
  opts: { key?: string; headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
) =>
  call(s.url, "POST", "/v1/chat/completions", {
    key: opts.key ?? "sk_debug",
    headers: opts.headers,
    body: { model, messages: [{ role: "user", content: "hi" }], ...opts.extra },
  });
const metricsText = () =>
  fetch(`${s.url}/metrics`, { headers: { authorization: "Bearer sk_debug" } }).then((r) => r.text());
/** Peak resident memory of the server process so far (kB). */
const peakRssKb = () => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${s.proc.pid}/status`, "utf8"))![1]);

beforeAll(async () => {
  s = await startServer({ env: { LLMLB_SECRET: SECRET, LLMLB_QUEUE_MAX: "4", LLMLB_QUEUE_TIMEOUT_SECS: "20" } });
  const key = await call(s.url, "POST", "/api/api-keys", {
    key: "sk_debug",
    body: { name: "sdk", permissions: ["openai.inference", "openai.models.read"] },
  });
  client = new OpenAI({ apiKey: key.body.key, baseURL: `${s.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await s?.stop();
  await Promise.all([...fakes.map((f) => f.stop()), ...closers.map((c) => c())]);
});

describe("Expect: 100-continue (curl sends it with bodies over 1 MiB)", () => {
  it("is answered by the load balancer, the request is served and the endpoint stays online", async () => {
    const { fake, id } = await serve("expect-model");
    const body = Buffer.from(
      JSON.stringify({ model: "expect-model", messages: [{ role: "user", content: "x".repeat(1.5 * 1024 * 1024) }] }),
    );
    const res = await postExpectingContinue(
      `${s.url}/v1/chat/completions`,
      { authorization: "Bearer sk_debug", "content-type": "application/json" },
      body,
    );
    expect(res.continued).toBe(true);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).choices[0].message.content).toContain("Hello from");
    expect(fake.requests.at(-1)!.headers.expect).toBeUndefined();
    expect(await status(id)).toBe("online");
  });
});

describe("compressed upstreams through the official openai client", () => {
  it.each<[FakeEncoding]>([["gzip"], ["deflate"], ["br"]])(
    "%s, even when sent unasked: plain and streamed answers are read and relayed decoded",
    async (encoding) => {
      const model = `enc-${encoding}`;
      const { fake, id } = await serve(model, { faults: { encoding, forceEncoding: true } });
      const r = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Hello!" }] });
      expect(r.choices[0].message.content).toContain("Hello from");
      expect(r.usage?.completion_tokens).toBe(10);
      let text = "";
      let chunks = 0;
      for await (const c of await client.chat.completions.create({
        model,
        stream: true,
        messages: [{ role: "user", content: "Hi" }],
      })) {
        text += c.choices[0]?.delta?.content ?? "";
        chunks++;
      }
      expect(text).toBe(r.choices[0].message.content);
      expect(chunks).toBeGreaterThan(3);
      expect(await status(id)).toBe("online");
      // the upstream is asked for identity: the client's "gzip, deflate" is between the client and the balancer
      expect(
        fake.requests.filter((q) => q.path === "/v1/chat/completions").map((q) => q.headers["accept-encoding"]),
      ).toEqual(["identity", "identity"]);
    },
  );

  it("an upstream that compresses only when asked (nginx's gzip on) answers in identity", async () => {
    const { id } = await serve("enc-asked", { faults: { encoding: "gzip" } });
    const res = await fetch(`${s.url}/v1/chat/completions`, {
      method: "POST",
      headers: {
        authorization: "Bearer sk_debug",
        "content-type": "application/json",
        "accept-encoding": "gzip, deflate, br",
      },
      body: JSON.stringify({ model: "enc-asked", messages: [] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(
      ((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0].message.content,
    ).toContain("Hello from");
    expect(await status(id)).toBe("online");
  });
});

describe("client-supplied strings are bounded where they are stored and exported", () => {
  it("invented model names: one /metrics label, a short log entry, and /metrics stays small and answers", async () => {
    const before = (await metricsText()).length;
    for (let i = 0; i < 40; i++) expect((await chat(`invented-${i}-${"m".repeat(1000)}`)).status).toBe(404);
    const huge = await chat("h".repeat(8 * 1024 * 1024));
    expect(huge.status).toBe(404);
    expect(huge.text.length).toBeLessThan(2000);
    const m = await metricsText();
    expect(m).not.toContain("invented-");
    expect(m).toMatch(/llmlb_requests_total\{model="\(unknown\)",endpoint="",status="404",outcome="error"\} 41/);
    expect(m.length - before).toBeLessThan(20_000);
    const logged = async () =>
      (await s.db().execute("SELECT model FROM request_log WHERE status = 404")).rows.map((r) => String(r.model));
    await waitFor(async () => (await logged()).length >= 41, 5000);
    const models = await logged();
    expect(models.filter((m) => m.startsWith("invented-39-"))).toHaveLength(1);
    for (const m of models) expect(m.length).toBeLessThanOrEqual(256);
  });

  it("a request id longer than 128 characters is replaced by one of ours", async () => {
    await serve("rid-model");
    const r = await chat("rid-model", { headers: { "x-request-id": "r".repeat(5000) } });
    expect(r.status).toBe(200);
    expect(r.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("request loops", () => {
  it("the upstream sees this cluster in X-LLMLB-Via; a request that already passed it is refused with 508", async () => {
    const { fake } = await serve("loop-model");
    expect((await chat("loop-model")).status).toBe(200);
    expect(fake.requests.at(-1)!.headers["x-llmlb-via"]).toBe(clusterId(SECRET));
    const looped = await chat("loop-model", { headers: { "x-llmlb-via": `0123456789abcdef, ${clusterId(SECRET)}` } });
    expect(looped.status).toBe(508);
    expect(looped.body.error.code).toBe("loop_detected");
    const served = fake.served;
    const chained = await chat("loop-model", { headers: { "x-llmlb-via": "0123456789abcdef" } });
    expect(chained.status).toBe(200);
    expect(fake.requests.at(-1)!.headers["x-llmlb-via"]).toBe(`0123456789abcdef, ${clusterId(SECRET)}`);
    expect(fake.served).toBe(served + 1);
  });

  it("its own address, under any spelling, cannot be registered or patched in", async () => {
    const own = [s.url, `http://localhost:${s.port}`, `http://127.0.0.1:${s.port}/v1/..`];
    for (const base_url of own) {
      const r = await call(s.url, "POST", "/api/endpoints", {
        key: "sk_debug",
        body: { name: `self ${base_url}`, base_url, api_key: "sk_debug" },
      });
      expect(r.status, base_url).toBe(400);
      expect(r.body.error.details).toEqual([
        { field: "base_url", message: "points at this load balancer itself: requests sent there would come back here" },
      ]);
    }
    const { id } = await serve("self-patch");
    const before = (await call(s.url, "GET", `/api/endpoints/${id}`, { key: "sk_debug" })).body.base_url;
    const patched = await call(s.url, "PATCH", `/api/endpoints/${id}`, {
      key: "sk_debug",
      body: { base_url: `http://localhost:${s.port}`, api_key: "sk_debug" },
    });
    expect(patched.status).toBe(400);
    expect((await call(s.url, "GET", `/api/endpoints/${id}`, { key: "sk_debug" })).body.base_url).toBe(before);
  });

  it("two load balancers pointing at each other: refused at the second pass, never bounced back and forth", async () => {
    const b = await startServer({ env: { LLMLB_SECRET: "the-other-cluster-secret-987654321" } });
    closers.push(() => b.stop());
    const { fake } = await serve("ping-pong");
    await registerOnline(b.url, { name: "back-to-a", base_url: s.url, api_key: "sk_debug" });
    const aToB = await registerOnline(s.url, { name: "on-to-b", base_url: b.url, api_key: "sk_debug" });
    const seenByFake = () => fake.requests.filter((q) => q.path === "/v1/chat/completions").length;
    const rows = async (t: TestServer) =>
      Number(
        (await t.db().execute("SELECT count(*) AS n FROM request_log WHERE route = '/v1/chat/completions'")).rows[0].n,
      );
    await new Promise((r) => setTimeout(r, 500)); // the request logs are written in batches
    const [a0, b0] = [await rows(s), await rows(b)];
    // pinned to B, the loop's way in: B routes it back to A, which refuses what already passed through it
    const pinned = await chat("ping-pong", { headers: { "x-llmlb-endpoint": String(aToB.id) } });
    expect(pinned.status).toBe(508);
    expect(seenByFake()).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(await rows(s)).toBe(a0 + 2); // the client's request, and the one that came back
    expect(await rows(b)).toBe(b0 + 1);
  });
});

describe("upstream answers", () => {
  it("four 64 MiB answers at once arrive whole, and cost the proxy far less than their size", async () => {
    const { id } = await serve("huge-answer", { faults: { answerBytes: 64 * 1024 * 1024 } });
    const before = peakRssKb();
    const sizes = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const res = await fetch(`${s.url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: "Bearer sk_debug", "content-type": "application/json" },
          body: JSON.stringify({ model: "huge-answer", messages: [] }),
        });
        const body = Buffer.from(await res.arrayBuffer());
        expect(res.status).toBe(200);
        expect(body.subarray(-200).toString()).toContain('"completion_tokens":10');
        return body.length;
      }),
    );
    for (const n of sizes) expect(n).toBeGreaterThan(64 * 1024 * 1024 - 1024);
    const grew = (peakRssKb() - before) / 1024;
    expect(grew, `peak RSS grew by ${grew.toFixed(0)} MiB`).toBeLessThan(150); // it used to be ~2 × 4 × 64 MiB
    expect(await status(id)).toBe("online");
    await waitFor(
      async () =>
        (
          await s
            .db()
            .execute("SELECT count(*) AS n FROM request_log WHERE model = 'huge-answer' AND completion_tokens = 10")
        ).rows[0].n === 4,
      5000,
    );
  }, 60_000);

  it("one endless SSE event reaches the client before the upstream finishes it", async () => {
    let finish: () => void = () => {};
    const finished = new Promise<void>((r) => (finish = r));
    const upstream = http.createServer((req, res) => {
      if (req.url === "/v1/models")
        return void res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ object: "list", data: [{ id: "endless", object: "model" }] }));
      req.resume();
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('data: {"choices":[{"index":0,"delta":{"content":"');
      let n = 0;
      const t = setInterval(() => {
        res.write("y".repeat(512 * 1024));
        if (++n < 8) return;
        clearInterval(t);
        finished.then(() => res.end('"}}]}\n\ndata: [DONE]\n\n'));
      }, 20);
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise((r) => upstream.close(r)));
    await registerOnline(s.url, {
      name: "endless",
      base_url: `http://127.0.0.1:${(upstream.address() as { port: number }).port}`,
    });
    const res = await fetch(`${s.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk_debug", "content-type": "application/json" },
      body: JSON.stringify({ model: "endless", stream: true, messages: [] }),
    });
    const reader = res.body!.getReader();
    let got = 0;
    while (got < 3 * 1024 * 1024) got += (await reader.read()).value!.length; // the upstream has not ended the event
    finish();
    let text = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    expect(got + text.length).toBeGreaterThan(4 * 1024 * 1024);
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
  }, 30_000);

  it("headers an upstream sets in our name are dropped", async () => {
    const { id } = await serve("spoof-model", {
      faults: {
        extraHeaders: {
          "X-LLMLB-Endpoint-Id": "spoofed-id",
          "X-LLMLB-Endpoint-Name": "spoofed",
          "X-LLMLB-Route-Reason": "x",
        },
      },
    });
    const r = await chat("spoof-model");
    expect(r.status).toBe(200);
    expect(r.headers.get("x-llmlb-endpoint-id")).toBe(id);
    expect(r.headers.get("x-llmlb-endpoint-name")).not.toContain("spoofed");
    expect(r.headers.get("x-llmlb-route-reason")).toMatch(/^(warm|least-loaded|only-fit|cold|explore|pinned)$/); // ours, never the spoofed "x"
  });

  it("an upstream's redirect is never passed to the client: another endpoint serves, or a 502 without Location", async () => {
    const a = await serve("redirected", { faults: { redirect: "http://127.0.0.1:1/elsewhere" } });
    const b = await serve("redirected");
    for (let i = 0; i < 4; i++) {
      const r = await chat("redirected");
      expect(r.status).toBe(200);
      expect(r.headers.get("location")).toBeNull();
    }
    expect(b.fake.served).toBe(4);
    b.fake.setFaults({ redirect: "http://127.0.0.1:1/elsewhere" });
    const r = await chat("redirected");
    expect(r.status).toBe(502);
    expect(r.body.error.code).toBe("upstream_redirect");
    expect(r.headers.get("location")).toBeNull();
    void a;
  });
});

describe("the admission queue is fair between keys", () => {
  it("one key filling the queue does not keep another key out", async () => {
    await serve("queued-model", { max_concurrency: 1, faults: { delayMs: 400 } });
    const other = await call(s.url, "POST", "/api/api-keys", {
      key: "sk_debug",
      body: { name: "other", permissions: ["openai.inference"] },
    });
    const flood = Array.from({ length: 6 }, () => chat("queued-model")); // 1 in flight, 4 queued, 1 refused
    await new Promise((r) => setTimeout(r, 150));
    const t0 = Date.now();
    const mine = await chat("queued-model", { key: other.body.key });
    const waited = Date.now() - t0;
    const statuses = (await Promise.all(flood)).map((r) => r.status).sort();
    expect(mine.status).toBe(200);
    // served right after the request in flight, before the flood's queued ones (each takes 400 ms)
    expect(waited).toBeLessThan(1200);
    expect(statuses.filter((x) => x === 429).length).toBe(2); // the refused one, and the flood's newest, displaced
    expect(statuses.filter((x) => x === 200).length).toBe(4);
  }, 30_000);
});
