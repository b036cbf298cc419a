// Type detection: every fake kind is detected as its type at registration, a dead or hung address is
// accepted as `unknown` within ~2 s, Ollama look-alikes are not Ollama, a key-protected endpoint is detected only
// with its key (sent as Bearer on every probe and sync), and `POST /api/endpoints/probe` tests a URL unsaved.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { waitDetail as waitDetailAt } from "../harness/endpoints";
import { call, type Call } from "../harness/http";
import { deadUrl, startFake, startHangServer, type FakeKind, type FakeUpstream } from "../fakes/upstream";

const KEY = "sk_debug";
let s: TestServer;
const fakes: FakeUpstream[] = [];
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await Promise.all([s?.stop(), ...fakes.map((f) => f.stop()), ...stops.map((stop) => stop())]);
});

async function fake(kind: FakeKind, opts: { models?: string[]; apiKey?: string } = {}): Promise<FakeUpstream> {
  const f = await startFake({ kind, ...opts });
  fakes.push(f);
  return f;
}

let seq = 0;
const register = (base_url: string, extra: Record<string, unknown> = {}): Promise<Call> =>
  call(s.url, "POST", "/api/endpoints", {
    key: KEY,
    body: { name: `det-${++seq}`, base_url, health_check_interval_secs: 300, ...extra },
  });

const waitDetail = (id: string, pred: (b: Call["body"]) => boolean, ms = 5000) => waitDetailAt(s.url, id, pred, ms);

describe("detection matrix at registration", () => {
  const matrix: Array<[FakeKind, string]> = [
    ["xllm", "xllm"],
    ["ollama", "ollama"],
    ["vllm", "vllm"],
    ["lm_studio", "lm_studio"],
    ["llamacpp", "llamacpp"],
    ["openai", "openai_compatible"],
  ];
  it.each(matrix)(
    "a %s fake is detected as %s, and the type survives the first health check",
    async (kind, expected) => {
      const f = await fake(kind);
      const t0 = Date.now();
      const r = await register(f.url);
      expect(Date.now() - t0).toBeLessThan(2000); // ≤ 1 s on a healthy LAN endpoint; slack for a loaded CI machine
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ endpoint_type: expected, status: "pending" });
      const online = await waitDetail(r.body.id, (b) => b.status === "online");
      expect(online.endpoint_type).toBe(expected);
      // detection probes were fired (all three discovery routes asked)
      const paths = new Set(f.requests.map((q) => q.path));
      expect(paths.has("/v1/models")).toBe(true);
      expect(paths.has("/api/system")).toBe(true);
      expect(paths.has("/api/tags")).toBe(true);
    },
  );

  it("a dead address is accepted as unknown within ~2.5 s and goes offline", async () => {
    const url = await deadUrl();
    const t0 = Date.now();
    const r = await register(url);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ endpoint_type: "unknown", status: "pending" });
    const d = await waitDetail(r.body.id, (b) => b.status === "offline");
    expect(d.endpoint_type).toBe("unknown");
    expect(d.last_error).toBeTruthy();
  });

  it("an address that accepts connections and never answers is accepted as unknown within ~2.5 s", async () => {
    const hang = await startHangServer();
    stops.push(hang.stop);
    const t0 = Date.now();
    const r = await register(hang.url);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeLessThan(2500);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ endpoint_type: "unknown", status: "pending" });
  });

  it("a 200 from /api/tags carrying an error key is not Ollama", async () => {
    const f = await fake("tags_error");
    const r = await register(f.url);
    expect(r.status).toBe(201);
    expect(r.body.endpoint_type).not.toBe("ollama");
    expect(r.body.endpoint_type).toBe("openai_compatible");
    expect(f.requests.some((q) => q.path === "/api/tags")).toBe(true);
  });
});

describe("key-protected endpoint", () => {
  const SECRET = "sk-upstream-detect-7f3a9c2e1b";

  it("is unknown (and error, not offline) without its key", async () => {
    const f = await fake("openai", { apiKey: SECRET, models: ["gpt-4o-mini"] });
    const r = await register(f.url);
    expect(r.status).toBe(201);
    expect(r.body.endpoint_type).toBe("unknown");
    expect(r.body.has_api_key).toBe(false);
    const d = await waitDetail(r.body.id, (b) => b.status !== "pending");
    expect(d.status).toBe("error");
    expect(d.models).toEqual([]);
  });

  it("is openai_compatible with its key, which is sent as Bearer on every probe, check and sync", async () => {
    const f = await fake("openai", { apiKey: SECRET, models: ["gpt-4o-mini", "text-embedding-3-small"] });
    const r = await register(f.url, { api_key: SECRET });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ endpoint_type: "openai_compatible", has_api_key: true });
    expect(r.text).not.toContain(SECRET);
    const id = r.body.id;
    const online = await waitDetail(id, (b) => b.status === "online" && b.models.length === 2);
    expect(online.models.map((m: { model_id: string }) => m.model_id).sort()).toEqual([
      "gpt-4o-mini",
      "text-embedding-3-small",
    ]);

    expect((await call(s.url, "POST", `/api/endpoints/${id}/sync`, { key: KEY })).status).toBe(200);
    const test = await call(s.url, "POST", `/api/endpoints/${id}/test`, { key: KEY });
    expect(test.body).toMatchObject({ success: true, endpoint_type: "openai_compatible" });

    // detection (3 probes) + first check + first sync + manual sync + test (3 probes): at least 9 requests
    expect(f.requests.length).toBeGreaterThanOrEqual(9);
    for (const q of f.requests) expect(q.headers.authorization, `${q.method} ${q.path}`).toBe(`Bearer ${SECRET}`);
  });

  it("the key is sent to xLLM and Ollama metadata, download and progress routes too", async () => {
    const x = await fake("xllm", { apiKey: SECRET, models: ["llama-3.2-1b"] });
    const o = await fake("ollama", { apiKey: SECRET, models: ["llama3.1:8b"] });
    const rx = await register(x.url, { api_key: SECRET });
    const ro = await register(o.url, { api_key: SECRET });
    expect(rx.body.endpoint_type).toBe("xllm");
    expect(ro.body.endpoint_type).toBe("ollama");
    await waitDetail(rx.body.id, (b) => b.status === "online" && b.models.length === 1);
    await waitDetail(ro.body.id, (b) => b.status === "online" && b.models.length === 1);
    expect(
      (await call(s.url, "GET", `/api/endpoints/${rx.body.id}/models/llama-3.2-1b/info`, { key: KEY })).status,
    ).toBe(200);
    expect(
      (await call(s.url, "GET", `/api/endpoints/${ro.body.id}/models/llama3.1%3A8b/info`, { key: KEY })).status,
    ).toBe(200);
    expect(
      (await call(s.url, "POST", `/api/endpoints/${rx.body.id}/download`, { key: KEY, body: { model: "m2" } })).status,
    ).toBe(202);
    expect(
      (await call(s.url, "GET", `/api/endpoints/${rx.body.id}/download/progress?model=m2`, { key: KEY })).status,
    ).toBe(200);
    const paths = new Set([...x.requests, ...o.requests].map((q) => q.path));
    for (const p of [
      "/api/system",
      "/api/health",
      "/api/models/download",
      "/api/download/progress",
      "/api/tags",
      "/api/show",
    ])
      expect(paths.has(p), p).toBe(true);
    for (const q of [...x.requests, ...o.requests])
      expect(q.headers.authorization, `${q.method} ${q.path}`).toBe(`Bearer ${SECRET}`);
  });
});

describe("POST /api/endpoints/probe", () => {
  it("reports a reachable endpoint's type, latency and models without saving anything", async () => {
    const f = await fake("ollama", { models: ["llama3.1:8b", "nomic-embed-text:latest"] });
    const before = await call(s.url, "GET", "/api/endpoints", { key: KEY });
    const r = await call(s.url, "POST", "/api/endpoints/probe", { key: KEY, body: { base_url: `${f.url}/` } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      reachable: true,
      endpoint_type: "ollama",
      latency_ms: expect.any(Number),
      error: null,
    });
    expect([...r.body.models_found].sort()).toEqual(["llama3.1:8b", "nomic-embed-text:latest"]);
    const after = await call(s.url, "GET", "/api/endpoints", { key: KEY });
    expect(after.body.total).toBe(before.body.total);
  });

  it("reports a key-protected endpoint as reachable but unknown without the key, and detected with it", async () => {
    const f = await fake("vllm", { apiKey: "probe-secret-123456", models: ["m"] });
    const without = await call(s.url, "POST", "/api/endpoints/probe", { key: KEY, body: { base_url: f.url } });
    expect(without.status).toBe(200);
    expect(without.body).toMatchObject({ reachable: true, endpoint_type: "unknown", models_found: [] });
    expect(without.body.error).toEqual(expect.any(String));
    const withKey = await call(s.url, "POST", "/api/endpoints/probe", {
      key: KEY,
      body: { base_url: f.url, api_key: "probe-secret-123456" },
    });
    expect(withKey.body).toMatchObject({ reachable: true, endpoint_type: "vllm", models_found: ["m"], error: null });
    expect(withKey.text).not.toContain("probe-secret-123456");
  });

  it("reports an unreachable URL as {reachable:false, endpoint_type:unknown, error}", async () => {
    const r = await call(s.url, "POST", "/api/endpoints/probe", { key: KEY, body: { base_url: await deadUrl() } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ reachable: false, endpoint_type: "unknown", latency_ms: null, models_found: [] });
    expect(r.body.error).toEqual(expect.any(String));
    expect(r.body.error.length).toBeGreaterThan(0);
  });

  it("needs endpoints.manage and a valid URL", async () => {
    const viewer = await call(s.url, "POST", "/api/endpoints/probe", {
      key: "sk_debug_viewer",
      body: { base_url: "http://127.0.0.1:1" },
    });
    expect(viewer.status).toBe(403);
    expect(viewer.body.error.message).toContain("endpoints.manage");
    expect(
      (await call(s.url, "POST", "/api/endpoints/probe", { body: { base_url: "http://127.0.0.1:1" } })).status,
    ).toBe(401);
    const bad = await call(s.url, "POST", "/api/endpoints/probe", { key: KEY, body: { base_url: "ftp://example" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].field).toBe("base_url");
  });
});
