import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { call } from "../harness/http";
import { registerOnline, waitFor } from "../harness/endpoints";
import { startFake, type FakeUpstream } from "../fakes/upstream";

let s: TestServer;
const fakes: FakeUpstream[] = [];
const ids: string[] = [];
const chat = (model: string, extra: Record<string, unknown> = {}) =>
  call(s.url, "POST", "/v1/chat/completions", {
    key: "sk_debug",
    body: { model, messages: [{ role: "user", content: "hi" }], ...extra },
  });

async function fleet(model: string, specs: Array<{ delayMs: number; max?: number }>) {
  const out: Array<{ fake: FakeUpstream; id: string }> = [];
  for (const [i, spec] of specs.entries()) {
    const fake = await startFake({
      kind: "openai",
      models: [model],
      completionTokens: 20,
      faults: { delayMs: spec.delayMs },
    });
    fakes.push(fake);
    const ep = await registerOnline(s.url, {
      name: `${model}-${i}`,
      base_url: fake.url,
      max_concurrency: spec.max ?? null,
    });
    ids.push(ep.id);
    out.push({ fake, id: ep.id });
  }
  return out;
}

beforeAll(async () => {
  s = await startServer({ env: { LLMLB_QUEUE_MAX: "3", LLMLB_QUEUE_TIMEOUT_SECS: "5" } });
});
afterAll(async () => {
  await s?.stop();
  await Promise.all(fakes.map((f) => f.stop()));
});
afterEach(() => {
  for (const f of fakes) f.resetFaults();
});

describe("endpoint choice", () => {
  it("equal endpoints share sequential traffic about equally", async () => {
    const [a, b] = await fleet("equal", [{ delayMs: 10 }, { delayMs: 10 }]);
    for (let i = 0; i < 40; i++) expect((await chat("equal")).status).toBe(200);
    expect(Math.abs(a.fake.served - b.fake.served)).toBeLessThanOrEqual(8);
  });

  it("one twice as fast gets about twice the share", async () => {
    const [fast, slow] = await fleet("speed", [{ delayMs: 20 }, { delayMs: 40 }]);
    for (let i = 0; i < 10; i++) await chat("speed"); // warm-up: both get measured
    const f0 = fast.fake.served;
    const s0 = slow.fake.served;
    for (let i = 0; i < 60; i++) expect((await chat("speed")).status).toBe(200);
    const ratio = (fast.fake.served - f0) / (slow.fake.served - s0);
    expect(ratio).toBeGreaterThan(1.5);
    expect(ratio).toBeLessThan(2.7);
  });

  it("a never-measured endpoint still receives requests", async () => {
    const fake = await startFake({ kind: "openai", models: ["speed"], completionTokens: 20, faults: { delayMs: 30 } });
    fakes.push(fake);
    await registerOnline(s.url, { name: "speed-new", base_url: fake.url });
    for (let i = 0; i < 10; i++) await chat("speed");
    expect(fake.served).toBeGreaterThan(0);
  });

  it("with one at max_concurrency 1 and slow, the other takes the rest", async () => {
    const [limited, open] = await fleet("limited", [{ delayMs: 600, max: 1 }, { delayMs: 20 }]);
    const results = await Promise.all(Array.from({ length: 8 }, () => chat("limited")));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(limited.fake.served).toBeLessThanOrEqual(2);
    expect(open.fake.served).toBeGreaterThanOrEqual(6);
  });
});

describe("admission queue", () => {
  it("serves one by one at max_concurrency 1 and refuses past LLMLB_QUEUE_MAX with 429", async () => {
    const [only] = await fleet("queued", [{ delayMs: 300, max: 1 }]);
    let maxInflight = 0;
    const timer = setInterval(() => (maxInflight = Math.max(maxInflight, only.fake.inflight)), 5);
    const results = await Promise.all(Array.from({ length: 6 }, () => chat("queued")));
    clearInterval(timer);
    const statuses = results.map((r) => r.status).sort();
    // 1 running + 3 queued are served; the other 2 find the queue full
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    const refused = results.find((r) => r.status === 429)!;
    expect(refused.headers.get("retry-after")).toBeTruthy();
    expect(refused.body.error).toMatchObject({ type: "rate_limit_error", code: "queue_full" });
    expect(maxInflight).toBe(1);
  });
});

describe("failover", () => {
  it("a backend killed during a burst costs no failed client request", async () => {
    const [a, b] = await fleet("failover", [{ delayMs: 5 }, { delayMs: 5 }]);
    const results: number[] = [];
    const burst = (async () => {
      for (let i = 0; i < 60; i++) {
        const batch = await Promise.all(Array.from({ length: 4 }, () => chat("failover")));
        results.push(...batch.map((r) => r.status));
      }
    })();
    await new Promise((r) => setTimeout(r, 150));
    await a.fake.stop();
    await burst;
    expect(results.filter((st) => st !== 200)).toEqual([]);
    expect(b.fake.served).toBeGreaterThan(0);
    await waitFor(
      async () => (await call(s.url, "GET", `/api/endpoints/${a.id}`, { key: "sk_debug" })).body.status !== "online",
      5000,
    );
    await a.fake.start();
  });

  it("retries a 500 and a 429 on the other endpoint", async () => {
    const [a, b] = await fleet("retry", [{ delayMs: 0 }, { delayMs: 0 }]);
    a.fake.setFaults({ status: 429 });
    b.fake.setFaults({ status: null });
    for (let i = 0; i < 6; i++) expect((await chat("retry")).status).toBe(200);
    expect(b.fake.served).toBe(6);
  });

  it("passes a 4xx other than 429 through without retrying", async () => {
    const [a, b] = await fleet("passthru", [{ delayMs: 0 }, { delayMs: 0 }]);
    a.fake.setFaults({ status: 400 });
    b.fake.setFaults({ status: 400 });
    const r = await chat("passthru");
    expect(r.status).toBe(400);
    expect(r.body.error).toBeTruthy();
    const attempts = [a, b].map((x) => x.fake.requests.filter((q) => q.path === "/v1/chat/completions").length);
    expect(attempts.reduce((x, y) => x + y)).toBe(1);
  });

  it("a mid-stream death ends the client's stream with an error event within a second", async () => {
    const [one] = await fleet("midstream", [{ delayMs: 0 }]);
    one.fake.setFaults({ dieAfterChunks: 2, chunkDelayMs: 50 });
    const t0 = Date.now();
    const r = await chat("midstream", { stream: true });
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(r.status).toBe(200);
    expect(r.text).toContain("upstream_stream_error");
    expect(r.text.trim().endsWith("}")).toBe(true);
  });

  it("a client disconnect cancels the upstream request", async () => {
    const [one] = await fleet("disconnect", [{ delayMs: 0 }]);
    one.fake.setFaults({ chunkDelayMs: 300 });
    const ac = new AbortController();
    const res = await fetch(`${s.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk_debug", "content-type": "application/json" },
      body: JSON.stringify({ model: "disconnect", stream: true, messages: [] }),
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    await waitFor(async () => one.fake.aborted > 0, 3000);
    expect(one.fake.inflight).toBe(0);
  });
});

describe("accounting", () => {
  it("aggregate_tps is a number for endpoints that served traffic and null for the others; logs and metrics count", async () => {
    const idle = await startFake({ kind: "openai", models: ["idle-model"] });
    fakes.push(idle);
    const idleEp = await registerOnline(s.url, { name: "idle", base_url: idle.url });
    await waitFor(async () => {
      const list = await call(s.url, "GET", "/api/endpoints", { key: "sk_debug" });
      return (
        list.body.endpoints.filter(
          (e: { name: string; aggregate_tps: number | null }) => e.name.startsWith("equal") && e.aggregate_tps !== null,
        ).length === 2
      );
    }, 5000);
    const detail = await call(s.url, "GET", `/api/endpoints/${idleEp.id}`, { key: "sk_debug" });
    expect(detail.body.aggregate_tps).toBeNull();
    const served = await call(s.url, "GET", `/api/endpoints/${ids[0]}`, { key: "sk_debug" });
    expect(served.body.aggregate_tps).toBeGreaterThan(0);
    expect(served.body.models[0].tps).toBeGreaterThan(0);

    await waitFor(
      async () =>
        Number((await s.db().execute("SELECT count(*) AS n FROM request_log WHERE model = 'equal'")).rows[0].n) === 40,
      5000,
    );
    const metrics = await fetch(`${s.url}/metrics`, { headers: { authorization: "Bearer sk_debug" } }).then((r) =>
      r.text(),
    );
    expect(metrics).toMatch(
      /llmlb_requests_total\{model="equal",endpoint="equal-0",status="200",outcome="success"\} \d+/,
    );
    expect((await fetch(`${s.url}/metrics`)).status).toBe(401);
  });
});

describe("routing follows one endpoint's changes (each reloads only that endpoint)", () => {
  const served = async () =>
    (await call(s.url, "GET", "/v1/models", { key: "sk_debug" })).body.data.map(
      (m: { id: string }) => m.id,
    ) as string[];

  it("a re-pointed endpoint serves its new models only; a deleted one leaves routing at once", async () => {
    const before = await startFake({ kind: "openai", models: ["repoint-old"] });
    const after = await startFake({ kind: "openai", models: ["repoint-new"] });
    fakes.push(before, after);
    const ep = await registerOnline(s.url, { name: "repoint", base_url: before.url });
    expect(await served()).toContain("repoint-old");
    expect((await chat("repoint-old")).status).toBe(200);

    expect(
      (await call(s.url, "PATCH", `/api/endpoints/${ep.id}`, { key: "sk_debug", body: { base_url: after.url } }))
        .status,
    ).toBe(200);
    await waitFor(async () => (await served()).includes("repoint-new"), 5000);
    expect(await served()).not.toContain("repoint-old");
    expect((await chat("repoint-old")).status).toBe(404);
    expect((await chat("repoint-new")).status).toBe(200);
    expect(after.served).toBe(1);

    expect((await call(s.url, "DELETE", `/api/endpoints/${ep.id}`, { key: "sk_debug" })).status).toBe(204);
    await waitFor(async () => !(await served()).includes("repoint-new"), 1000);
    expect((await chat("repoint-new")).status).toBe(404);
  });
});
