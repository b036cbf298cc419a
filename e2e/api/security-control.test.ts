// The control path (dashboard and /api, behind the main thread) and the management reads from upstreams, under
// abuse: slow request bodies, one client's flood, a re-pointed endpoint's stored key, oversized or slow upstream
// answers, model ids that walk the upstream's paths, and the control socket's directory after a crash.
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { call, postExpectingContinue } from "../harness/http";
import { registerOnline, waitDetail } from "../harness/endpoints";
import { startFake, startHangServer, type FakeKind, type FakeOptions, type FakeUpstream } from "../fakes/upstream";

const KEY = "sk_debug";
const BODY_TIMEOUT_SECS = 3;
const MAX_PER_CLIENT = 4;

let s: TestServer;
const fakes: FakeUpstream[] = [];
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  s = await startServer({
    env: {
      LLMLB_HEALTH_CHECK_TIMEOUT_MS: "3000",
      LLMLB_BODY_TIMEOUT_SECS: String(BODY_TIMEOUT_SECS),
      LLMLB_CONTROL_MAX_PER_CLIENT: String(MAX_PER_CLIENT),
    },
  });
});
afterAll(async () => {
  await Promise.all([s?.stop(), ...fakes.map((f) => f.stop()), ...stops.map((stop) => stop())]);
});

async function fake(kind: FakeKind, opts: Partial<FakeOptions> = {}): Promise<FakeUpstream> {
  const f = await startFake({ kind, ...opts });
  fakes.push(f);
  return f;
}

let seq = 0;
const name = () => `control-${++seq}`;

/** A request whose headers promise `declared` body bytes, of which only `sent` go out; the rest never comes. */
function slowBody(reqPath: string, opts: { declared?: number; sent?: string; headers?: Record<string, string> } = {}) {
  const socket = net.connect(s.port, "127.0.0.1");
  socket.on("error", () => {});
  const sent = opts.sent ?? "0123456789";
  const head = [`POST ${reqPath} HTTP/1.1`, `Host: 127.0.0.1:${s.port}`, `Content-Length: ${opts.declared ?? 100_000}`];
  for (const [k, v] of Object.entries(opts.headers ?? { "Content-Type": "application/x-www-form-urlencoded" }))
    head.push(`${k}: ${v}`);
  socket.write(`${head.join("\r\n")}\r\n\r\n${sent}`);
  let received = "";
  socket.on("data", (d) => (received += d));
  const closed = new Promise<string>((resolve) => socket.once("close", () => resolve(received)));
  return { socket, closed };
}

async function timedHealth(): Promise<{ ms: number; status: number | string }> {
  const t0 = performance.now();
  try {
    const r = await fetch(`${s.url}/api/health`, { signal: AbortSignal.timeout(5000) });
    await r.text();
    return { ms: performance.now() - t0, status: r.status };
  } catch (err) {
    return { ms: performance.now() - t0, status: String(err) };
  }
}

/** A GET with the path sent exactly as written (fetch would normalise `..` segments). */
function rawGet(reqPath: string, key = KEY): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: s.port, path: reqPath, headers: { authorization: `Bearer ${key}` } },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("slow request bodies", () => {
  it("200 half-sent login bodies do not stop /api/health (each answer within 1 s)", async () => {
    const slow = Array.from({ length: 200 }, () => slowBody("/api/auth/callback/credentials"));
    try {
      await new Promise((r) => setTimeout(r, 500));
      const times = [];
      for (let i = 0; i < 3; i++) times.push(await timedHealth());
      console.log(
        "/api/health under 200 slow bodies:",
        times.map((t) => `${t.status} ${t.ms.toFixed(0)} ms`).join(", "),
      );
      for (const t of times) {
        expect(t.status).toBe(200);
        expect(t.ms).toBeLessThan(1000);
      }
    } finally {
      for (const b of slow) b.socket.destroy();
    }
  }, 30_000);

  it("a /api body not finished within LLMLB_BODY_TIMEOUT_SECS is answered 408 and the connection closed", async () => {
    const t0 = Date.now();
    const b = slowBody("/api/endpoints", {
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${KEY}` },
      sent: '{"name":',
    });
    const timeout = setTimeout(() => b.socket.destroy(), (BODY_TIMEOUT_SECS + 5) * 1000);
    const answer = await b.closed;
    clearTimeout(timeout);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)).error.code).toBe("request_timeout");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(BODY_TIMEOUT_SECS * 1000 - 200);
    expect(Date.now() - t0).toBeLessThan((BODY_TIMEOUT_SECS + 3) * 1000);
  }, 15_000);

  it("a /v1 body not finished in time is answered 408 in OpenAI's error shape", async () => {
    const b = slowBody("/v1/chat/completions", {
      declared: 5000,
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${KEY}` },
      sent: '{"model":"x",',
    });
    const timeout = setTimeout(() => b.socket.destroy(), (BODY_TIMEOUT_SECS + 5) * 1000);
    const answer = await b.closed;
    clearTimeout(timeout);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
    expect(body.error).toMatchObject({ type: "invalid_request_error", code: "request_timeout" });
    expect(typeof body.error.message).toBe("string");
  }, 15_000);

  it("one client has at most LLMLB_CONTROL_MAX_PER_CLIENT at the control thread, 4× as many waiting, 429 past that", async () => {
    const hang = await startHangServer();
    stops.push(hang.stop);
    const ac = new AbortController();
    const probe = () =>
      fetch(`${s.url}/api/endpoints/probe`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ base_url: hang.url }),
        signal: ac.signal,
      }).then(
        async (r) => ({ status: r.status, retryAfter: r.headers.get("retry-after"), body: await r.text() }),
        () => null,
      );
    const pending = Array.from({ length: MAX_PER_CLIENT * 6 }, probe);
    await new Promise((r) => setTimeout(r, 1000));
    // each probe asks three paths at once: only MAX_PER_CLIENT probes reached Next
    expect(hang.open()).toBe(3 * MAX_PER_CLIENT);
    ac.abort();
    const limited = (await Promise.all(pending)).filter((r) => r !== null);
    expect(limited.map((r) => r.status)).toEqual(Array(MAX_PER_CLIENT).fill(429));
    expect(JSON.parse(limited[0].body).error.code).toBe("rate_limited");
    expect(Number(limited[0].retryAfter)).toBeGreaterThan(0);
    // the aborted ones gave their places back, once the server has seen their connections close (a moment after
    // the client's abort: asked at once, the first health request could still meet the full queue)
    await expect.poll(async () => (await timedHealth()).status, { timeout: 3000, interval: 50 }).toBe(200);
    const t = await timedHealth();
    expect(t.status).toBe(200);
    expect(t.ms).toBeLessThan(1000);
  }, 20_000);
});

describe("Expect: 100-continue on /api", () => {
  it("is answered, and the request reaches the API whole", async () => {
    const up = await fake("openai");
    const body = Buffer.from(JSON.stringify({ name: "expect-continue", base_url: up.url, notes: "n".repeat(1500) }));
    const r = await postExpectingContinue(
      `${s.url}/api/endpoints`,
      { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body,
    );
    expect(r.continued).toBe(true);
    expect(r.status, r.text).toBe(201);
    expect(JSON.parse(r.text).name).toBe("expect-continue");
  });
});

describe("a re-pointed endpoint", () => {
  it("PATCH to another origin without api_key drops the stored key: the new host never sees it", async () => {
    const a = await fake("vllm", { apiKey: "sk-upstream-secret" });
    const b = await fake("vllm");
    const ep = await registerOnline(s.url, { name: name(), base_url: a.url, api_key: "sk-upstream-secret" });
    const r = await call(s.url, "PATCH", `/api/endpoints/${ep.id}`, { key: KEY, body: { base_url: b.url } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.api_key_cleared).toBe(true);
    expect(r.body.has_api_key).toBe(false);
    await waitDetail(s.url, ep.id, (d) => d.status === "online");
    expect(b.requests.length).toBeGreaterThan(0);
    for (const req of b.requests) expect(req.headers.authorization, `${req.method} ${req.path}`).toBeUndefined();

    // a key given in the same request is kept, and is what the new host gets
    const c = await fake("vllm", { apiKey: "sk-other" });
    const r2 = await call(s.url, "PATCH", `/api/endpoints/${ep.id}`, {
      key: KEY,
      body: { base_url: c.url, api_key: "sk-other" },
    });
    expect(r2.body).toMatchObject({ api_key_cleared: false, has_api_key: true });
    await waitDetail(s.url, ep.id, (d) => d.status === "online");
  }, 20_000);
});

describe("management reads from upstreams", () => {
  it("a 64 MiB model list is refused past the cap, naming the size; the control thread stays responsive", async () => {
    const f = await fake("openai");
    const ep = await registerOnline(s.url, { name: name(), base_url: f.url });
    f.setFaults({ modelListBytes: 64 * 1024 * 1024 });
    let done = false;
    const health: number[] = [];
    const prober = (async () => {
      while (!done) {
        const t = await timedHealth();
        expect(t.status).toBe(200);
        health.push(t.ms);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const sync = await call(s.url, "POST", `/api/endpoints/${ep.id}/sync`, { key: KEY });
    const test = await call(s.url, "POST", `/api/endpoints/${ep.id}/test`, { key: KEY });
    done = true;
    await prober;
    console.log(
      `/api/health during the 64 MiB reads: max ${Math.max(...health).toFixed(0)} ms over ${health.length} calls`,
    );
    expect(sync.status, sync.text).toBe(502);
    expect(sync.body.error.message).toMatch(/too large.*8 MiB/);
    expect(test.body.success).toBe(false);
    expect(test.body.error).toMatch(/too large.*8 MiB/);
    expect((await call(s.url, "GET", `/api/endpoints/${ep.id}`, { key: KEY })).body.last_error).toMatch(/too large/);
    expect(Math.max(...health)).toBeLessThan(1000);
  }, 30_000);

  it("health status follows the probe without waiting for a slow metadata sync", async () => {
    const models = Array.from({ length: 80 }, (_, i) => `slow-${i}:latest`);
    const f = await fake("ollama", { models, faults: { metadataDelayMs: 5000 } });
    const created = await call(s.url, "POST", "/api/endpoints", {
      key: KEY,
      body: { name: name(), base_url: f.url, health_check_interval_secs: 10 },
    });
    expect(created.status, created.text).toBe(201);
    await waitDetail(s.url, created.body.id, (d) => d.status === "online");
    // metadata sync is now busy for 80 models × 3 s / 8; the endpoint breaks
    f.setFaults({ healthStatus: 500 });
    const t0 = Date.now();
    const d = await waitDetail(s.url, created.body.id, (b) => b.status !== "online", 16_000);
    console.log(`status ${d.status} ${Date.now() - t0} ms after the endpoint broke`);
  }, 30_000);
});

describe("model ids in upstream paths", () => {
  it("an id with dot segments never reaches the upstream as a path; ids are one encoded segment", async () => {
    const f = await fake("xllm", { models: ["org/model:7b"] });
    const ep = await registerOnline(s.url, { name: name(), base_url: f.url });
    f.requests.length = 0;
    for (const id of [
      "..%2F..%2Fsomething",
      "..%2Finfo",
      "..",
      "%2E%2E",
      "a%2F..%2F..%2Fapi%2Fsystem",
      "..%5C..%5Capi",
    ]) {
      const r = await rawGet(`/api/endpoints/${ep.id}/models/${id}/info`);
      expect(r.status, `${id}: ${r.body}`).toBeGreaterThanOrEqual(400);
      expect(r.status, `${id}: ${r.body}`).toBeLessThan(500);
    }
    const asked = f.requests.map((r) => r.path);
    for (const p of asked) expect(decodeURIComponent(p).split(/[/\\]/), p).not.toContain("..");
    const ok = await rawGet(`/api/endpoints/${ep.id}/models/${encodeURIComponent("org/model:7b")}/info`);
    expect(ok.status, ok.body).toBe(200);
    expect(f.requests.at(-1)!.path).toBe(`/api/models/${encodeURIComponent("org/model:7b")}/info`);
  }, 20_000);
});

/** The directory of the control socket a server process listens on, from /proc (works whatever it is named). */
function controlSocketDir(pid: number): string | null {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  for (const line of fs.readFileSync("/proc/net/unix", "utf8").split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length >= 8 && inodes.has(cols[6]) && cols[7].endsWith("control.sock")) return path.dirname(cols[7]);
  }
  return null;
}

describe("crash clean-up", () => {
  it("a kill -9 leaves the control socket's directory; the next start removes it", async () => {
    const first = await startServer();
    const dir = controlSocketDir(first.proc.pid!);
    expect(dir).not.toBeNull();
    await first.stop("SIGKILL");
    expect(fs.existsSync(dir!)).toBe(true);
    const second = await startServer();
    try {
      expect(fs.existsSync(dir!), dir!).toBe(false);
      expect(controlSocketDir(second.proc.pid!)).not.toBeNull();
    } finally {
      await second.stop();
    }
  }, 60_000);
});
