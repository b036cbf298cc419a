// The seed quickstart's REST steps (seed/quickstart.ja.md), followed literally with `Authorization: Bearer sk_debug`
// against fake upstreams: registration (step 1), model sync (step 3), type detection (5), type filter (6),
// xLLM download (7) and model metadata (8). `GET /v1/models` (second half of step 3) is in proxy-openai.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { waitDetail as waitDetailAt } from "../harness/endpoints";
import { call, type Call } from "../harness/http";
import { startFake, type FakeUpstream } from "../fakes/upstream";

const KEY = "sk_debug";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let s: TestServer;
let xllm: FakeUpstream;
let ollama: FakeUpstream;
let vllm: FakeUpstream;
let ollama2: FakeUpstream;
const fakes: FakeUpstream[] = [];

beforeAll(async () => {
  [s, xllm, ollama, vllm, ollama2] = await Promise.all([
    startServer(),
    startFake({ kind: "xllm", models: ["llama-3.2-1b"] }),
    startFake({ kind: "ollama", models: ["llama3.1:8b", "nomic-embed-text:latest"] }),
    startFake({ kind: "vllm", models: ["Qwen/Qwen2.5-7B-Instruct"] }),
    startFake({ kind: "ollama", models: ["llama3.1:8b"] }),
  ]);
  fakes.push(xllm, ollama, vllm, ollama2);
});
afterAll(async () => {
  await Promise.all([s?.stop(), ...fakes.map((f) => f.stop())]);
});

const register = (name: string, base_url: string): Promise<Call> =>
  call(s.url, "POST", "/api/endpoints", { key: KEY, body: { name, base_url } });

const waitDetail = (id: string, pred: (b: Call["body"]) => boolean, ms = 5000) => waitDetailAt(s.url, id, pred, ms);

const ids: Record<string, string> = {};

describe("quickstart REST steps", () => {
  it("step 1: POST /api/endpoints → 201 pending with the fields of the response example; it appears in the list", async () => {
    // 本番Ollama — the quickstart's own example name (non-ASCII).
    const r = await register("本番Ollama", ollama.url);
    expect(r.status).toBe(201);
    expect(r.headers.get("content-type")).toContain("application/json");
    expect(r.body).toMatchObject({
      id: expect.stringMatching(UUID),
      name: "本番Ollama",
      base_url: ollama.url,
      status: "pending",
      health_check_interval_secs: 30,
      registered_at: expect.stringMatching(ISO),
    });
    // the rest of the endpoint shape, no key material.
    for (const field of [
      "endpoint_type",
      "inference_timeout_secs",
      "max_concurrency",
      "has_api_key",
      "latency_ms",
      "last_seen_at",
      "last_checked_at",
      "last_error",
      "updated_at",
      "notes",
      "model_count",
      "aggregate_tps",
    ]) {
      expect(r.body, field).toHaveProperty(field);
    }
    expect(r.body).not.toHaveProperty("api_key");
    expect(r.body.has_api_key).toBe(false);
    expect(r.body.aggregate_tps).toBeNull();
    expect(Math.abs(Date.parse(r.body.registered_at) - Date.now())).toBeLessThan(10_000);
    ids.ollama = r.body.id;

    const list = await call(s.url, "GET", "/api/endpoints", { key: KEY });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(list.body.endpoints.length);
    const listed = list.body.endpoints.find((e: { id: string }) => e.id === ids.ollama);
    expect(listed).toMatchObject({ name: "本番Ollama", base_url: ollama.url });

    const detail = await call(s.url, "GET", `/api/endpoints/${ids.ollama}`, { key: KEY });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: ids.ollama, name: "本番Ollama", models: expect.any(Array) });
  });

  it("verification step 1: {name: Test, base_url} → the endpoint is shown in the list", async () => {
    const r = await call(s.url, "POST", "/api/endpoints", {
      key: KEY,
      raw: JSON.stringify({ name: "Test", base_url: ollama2.url }),
      headers: { "content-type": "application/json" },
    });
    expect(r.status).toBe(201);
    ids.test = r.body.id;
    const list = await call(s.url, "GET", "/api/endpoints", { key: KEY });
    expect(list.body.endpoints.map((e: { name: string }) => e.name)).toEqual(["本番Ollama", "Test"]);
  });

  it("connection test (接続テスト): POST /api/endpoints/{id}/test → 200 success", async () => {
    const r = await call(s.url, "POST", `/api/endpoints/${ids.ollama}/test`, { key: KEY });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      success: true,
      endpoint_type: "ollama",
      latency_ms: expect.any(Number),
      error: null,
    });
    expect([...r.body.models_found].sort()).toEqual(["llama3.1:8b", "nomic-embed-text:latest"]);
  });

  it("step 3: POST /api/endpoints/{id}/sync → the endpoint's models appear in its detail", async () => {
    ollama.models = [...ollama.models, "qwen2.5:7b"];
    const r = await call(s.url, "POST", `/api/endpoints/${ids.ollama}/sync`, { key: KEY });
    expect(r.status).toBe(200);
    expect([...r.body.synced_models].sort()).toEqual(["llama3.1:8b", "nomic-embed-text:latest", "qwen2.5:7b"]);
    expect(r.body).toMatchObject({ added: expect.any(Number), removed: 0, updated: expect.any(Number) });
    const detail = await call(s.url, "GET", `/api/endpoints/${ids.ollama}`, { key: KEY });
    const models = detail.body.models as Array<{
      model_id: string;
      capabilities: string[];
      context_length: number | null;
      synced_at: string;
    }>;
    expect(models.map((m) => m.model_id).sort()).toEqual(["llama3.1:8b", "nomic-embed-text:latest", "qwen2.5:7b"]);
    for (const m of models) {
      expect(m).toMatchObject({ context_length: 131072, synced_at: expect.stringMatching(ISO) });
      expect(m).toHaveProperty("tps");
    }
    expect(models.find((m) => m.model_id === "nomic-embed-text:latest")!.capabilities).toEqual(["embeddings"]);
    expect(models.find((m) => m.model_id === "llama3.1:8b")!.capabilities).toContain("chat");
    expect(detail.body.model_count).toBe(3);
    // GET /api/endpoints/{id}/models lists the same.
    const own = await call(s.url, "GET", `/api/endpoints/${ids.ollama}/models`, { key: KEY });
    expect(own.status).toBe(200);
    expect(own.body.models.map((m: { model_id: string }) => m.model_id).sort()).toEqual([
      "llama3.1:8b",
      "nomic-embed-text:latest",
      "qwen2.5:7b",
    ]);
  });

  it("step 5: registering an xLLM server answers with endpoint_type xllm", async () => {
    const r = await register("xLLM Server", xllm.url);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      id: expect.stringMatching(UUID),
      name: "xLLM Server",
      endpoint_type: "xllm",
      status: "pending",
    });
    ids.xllm = r.body.id;
    const v = await register("vLLMサーバー", vllm.url);
    expect(v.status).toBe(201);
    expect(v.body.endpoint_type).toBe("vllm");
    ids.vllm = v.body.id;
  });

  it("step 6: ?type=xllm and ?type=ollama list only endpoints of that type", async () => {
    const x = await call(s.url, "GET", "/api/endpoints?type=xllm", { key: KEY });
    expect(x.status).toBe(200);
    expect(x.body.endpoints.map((e: { id: string }) => e.id)).toEqual([ids.xllm]);
    expect(x.body.total).toBe(1);
    const o = await call(s.url, "GET", "/api/endpoints?type=ollama", { key: KEY });
    expect(o.status).toBe(200);
    expect(o.body.endpoints.map((e: { id: string }) => e.id)).toEqual([ids.ollama, ids.test]);
    expect(o.body.endpoints.every((e: { endpoint_type: string }) => e.endpoint_type === "ollama")).toBe(true);
    const all = await call(s.url, "GET", "/api/endpoints", { key: KEY });
    expect(all.body.total).toBe(4);
  });

  it("step 7: xLLM download starts (202) and its progress advances to completed; the model then appears", async () => {
    const r = await call(s.url, "POST", `/api/endpoints/${ids.xllm}/download`, {
      key: KEY,
      body: { model: "llama-3.2-3b" },
    });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ model: "llama-3.2-3b" });
    expect(
      xllm.requests.some(
        (q) =>
          q.method === "POST" &&
          q.path === "/api/models/download" &&
          (q.body as { model?: string }).model === "llama-3.2-3b",
      ),
    ).toBe(true);

    const seen: number[] = [];
    let last: Call | undefined;
    for (let i = 0; i < 8; i++) {
      last = await call(s.url, "GET", `/api/endpoints/${ids.xllm}/download/progress?model=llama-3.2-3b`, { key: KEY });
      expect(last.status).toBe(200);
      expect(last.body).toMatchObject({
        model: "llama-3.2-3b",
        status: expect.any(String),
        progress: expect.any(Number),
      });
      expect(last.body).toHaveProperty("speed_mbps");
      expect(last.body).toHaveProperty("eta_seconds");
      expect(last.body).toHaveProperty("error");
      seen.push(last.body.progress);
      if (last.body.status === "completed") break;
      expect(last.body.status).toBe("downloading");
    }
    expect(last!.body).toMatchObject({ status: "completed", progress: 100 });
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    // A completed task stays completed.
    const again = await call(s.url, "GET", `/api/endpoints/${ids.xllm}/download/progress?model=llama-3.2-3b`, {
      key: KEY,
    });
    expect(again.body).toMatchObject({ status: "completed", progress: 100 });
    // The downloaded model is synced into the endpoint.
    const detail = await waitDetail(ids.xllm, (b) =>
      b.models.some((m: { model_id: string }) => m.model_id === "llama-3.2-3b"),
    );
    expect(detail.models.map((m: { model_id: string }) => m.model_id)).toContain("llama-3.2-1b");
  });

  it("step 7: download on a non-xLLM endpoint → 400 download_not_supported; progress of an unknown task → 404", async () => {
    for (const id of [ids.ollama, ids.vllm]) {
      const r = await call(s.url, "POST", `/api/endpoints/${id}/download`, {
        key: KEY,
        body: { model: "llama-3.2-1b" },
      });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe("download_not_supported");
    }
    expect(ollama.requests.some((q) => q.path === "/api/models/download")).toBe(false);
    const none = await call(s.url, "GET", `/api/endpoints/${ids.xllm}/download/progress?model=never-downloaded`, {
      key: KEY,
    });
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe("not_found");
  });

  it("step 8: model info on xLLM gives the example's {model, context_length, capabilities}", async () => {
    const r = await call(s.url, "GET", `/api/endpoints/${ids.xllm}/models/llama-3.2-1b/info`, { key: KEY });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ model: "llama-3.2-1b", context_length: 131072, capabilities: ["text", "vision"] });
  });

  it("step 8: model info on Ollama (from /api/show)", async () => {
    const r = await call(
      s.url,
      "GET",
      `/api/endpoints/${ids.ollama}/models/${encodeURIComponent("llama3.1:8b")}/info`,
      { key: KEY },
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ model: "llama3.1:8b", context_length: 131072 });
    expect(r.body.capabilities).toEqual(expect.arrayContaining(["chat", "tools"]));
    expect(
      ollama.requests.some(
        (q) => q.method === "POST" && q.path === "/api/show" && (q.body as { model?: string }).model === "llama3.1:8b",
      ),
    ).toBe(true);
  });

  it("step 8: model info on a non-xLLM/Ollama endpoint → 400 metadata_not_supported", async () => {
    const r = await call(
      s.url,
      "GET",
      `/api/endpoints/${ids.vllm}/models/${encodeURIComponent("Qwen/Qwen2.5-7B-Instruct")}/info`,
      { key: KEY },
    );
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("metadata_not_supported");
  });

  it("verification step 2 (short form): the registered endpoints become online", async () => {
    for (const id of [ids.ollama, ids.test, ids.xllm, ids.vllm]) {
      const d = await waitDetail(id, (b) => b.status === "online");
      expect(d.status).toBe("online");
    }
  });
});
