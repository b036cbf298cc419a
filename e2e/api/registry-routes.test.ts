// Every route of the happy path and each documented error, proving that each rejected request leaves the
// database unchanged. Also: PATCH semantics (api_key:null, new base_url), DELETE, secret hygiene (the endpoint key
// never appears in a response, a log line or the database in plaintext), percent-encoded model ids, audit rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { waitDetail as waitDetailAt } from "../harness/endpoints";
import { call, type Call } from "../harness/http";
import { snapshot } from "../harness/db-snapshot";
import { deadUrl, startFake, type FakeUpstream } from "../fakes/upstream";

const KEY = "sk_debug";
const VIEWER = "sk_debug_viewer";
const SECRET = "sk-upstream-Z9q8W7e6R5t4Y3u2I1o0";
const NO_SUCH = "00000000-0000-4000-8000-000000000000";
const SLASHY = "meta-llama/Llama-3.2-1B:q4";

let s: TestServer;
let xllm: FakeUpstream;
let ollama: FakeUpstream;
let keyed: FakeUpstream;
let spare: FakeUpstream;
let logsOnlyKey: string;
const fakes: FakeUpstream[] = [];
/** Every response body this file received, to prove the endpoint key never leaves the server. */
const bodies: string[] = [];

async function api(method: string, path: string, opts: Parameters<typeof call>[3] = {}): Promise<Call> {
  const r = await call(s.url, method, path, opts);
  bodies.push(r.text);
  return r;
}

const ids: Record<string, string> = {};

/** Waits until the registry tables stop changing (the first health check and model sync have finished). */
async function quiet(): Promise<string> {
  const db = s.db();
  let prev = await snapshot(db);
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 250));
    const next = await snapshot(db);
    if (next === prev) return next;
    prev = next;
  }
  throw new Error("registry did not settle");
}

/** Runs `fn` (a request that must be rejected) and asserts the registry tables are byte-for-byte unchanged. */
async function unchanged(label: string, fn: () => Promise<void>): Promise<void> {
  const before = await snapshot(s.db());
  await fn();
  expect(await snapshot(s.db()), `${label} changed the database`).toBe(before);
}

const waitDetail = (id: string, pred: (b: Call["body"]) => boolean, ms = 5000) => waitDetailAt(s.url, id, pred, ms);

function expectError(r: Call, status: number, code: string, field?: string) {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get("content-type")).toContain("application/json");
  expect(r.body.error.code, r.text).toBe(code);
  expect(typeof r.body.error.message).toBe("string");
  expect(r.text).not.toMatch(/at .+\.(js|ts|mjs):\d+/); // no stack traces
  if (field)
    expect(
      r.body.error.details.map((d: { field: string }) => d.field),
      r.text,
    ).toContain(field);
}

beforeAll(async () => {
  [s, xllm, ollama, keyed, spare] = await Promise.all([
    startServer(),
    startFake({ kind: "xllm", models: ["llama-3.2-1b", SLASHY] }),
    startFake({ kind: "ollama", models: ["llama3.1:8b", "nomic-embed-text:latest"] }),
    startFake({ kind: "openai", apiKey: SECRET, models: ["gpt-4o-mini"] }),
    startFake({ kind: "vllm", models: ["Qwen/Qwen2.5-7B-Instruct"] }),
  ]);
  fakes.push(xllm, ollama, keyed, spare);
  const k = await api("POST", "/api/api-keys", { key: KEY, body: { name: "logs only", permissions: ["logs.read"] } });
  expect(k.status).toBe(201);
  logsOnlyKey = k.body.key;
  // Long intervals: only the immediate first check runs, so snapshots are not disturbed by the scheduler.
  const reg = async (name: string, base_url: string, extra: Record<string, unknown> = {}) => {
    const r = await api("POST", "/api/endpoints", {
      key: KEY,
      body: { name, base_url, health_check_interval_secs: 300, ...extra },
    });
    expect(r.status, r.text).toBe(201);
    return r.body.id as string;
  };
  ids.xllm = await reg("xllm-a", xllm.url);
  ids.ollama = await reg("ollama-a", ollama.url);
  ids.keyed = await reg("keyed-a", keyed.url, { api_key: SECRET });
  await waitDetail(ids.xllm, (b) => b.status === "online" && b.model_count === 2);
  await waitDetail(ids.ollama, (b) => b.status === "online" && b.model_count === 2);
  await waitDetail(ids.keyed, (b) => b.status === "online" && b.model_count === 1);
  await quiet();
});

afterAll(async () => {
  await Promise.all([s?.stop(), ...fakes.map((f) => f.stop())]);
});

describe("GET /api/endpoints", () => {
  it("lists with total; type, status and q filter", async () => {
    const all = await api("GET", "/api/endpoints", { key: KEY });
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(all.body.endpoints.map((e: { name: string }) => e.name)).toEqual(["xllm-a", "ollama-a", "keyed-a"]);
    const online = await api("GET", "/api/endpoints?status=online", { key: KEY });
    expect(online.body.total).toBe(3);
    expect((await api("GET", "/api/endpoints?status=offline", { key: KEY })).body).toEqual({ endpoints: [], total: 0 });
    const q = await api("GET", "/api/endpoints?q=OLLAMA", { key: KEY });
    expect(q.body.endpoints.map((e: { id: string }) => e.id)).toEqual([ids.ollama]);
    const byUrl = await api("GET", `/api/endpoints?q=${encodeURIComponent(`:${keyed.port}`)}`, { key: KEY });
    expect(byUrl.body.endpoints.map((e: { id: string }) => e.id)).toEqual([ids.keyed]);
    const none = await api("GET", "/api/endpoints?q=%25", { key: KEY }); // a literal % matches nothing here
    expect(none.body.total).toBe(0);
    const both = await api("GET", "/api/endpoints?type=openai_compatible&status=online", { key: KEY });
    expect(both.body.endpoints.map((e: { id: string }) => e.id)).toEqual([ids.keyed]);
    expect((await api("GET", "/api/endpoints", { key: VIEWER })).status).toBe(200);
  });

  it("an unknown filter value is 400 naming the parameter", async () => {
    expectError(await api("GET", "/api/endpoints?type=bogus", { key: KEY }), 400, "validation_error", "type");
    expectError(await api("GET", "/api/endpoints?status=healthy", { key: KEY }), 400, "validation_error", "status");
    expectError(await api("GET", "/api/endpoints?type=XLLM", { key: KEY }), 400, "validation_error", "type");
  });

  it("401 without credentials or with a bad key; 403 naming endpoints.read", async () => {
    expectError(await api("GET", "/api/endpoints"), 401, "unauthorized");
    expectError(await api("GET", "/api/endpoints", { key: "sk_wrong" }), 401, "unauthorized");
    const r = await api("GET", "/api/endpoints", { key: logsOnlyKey });
    expectError(r, 403, "forbidden");
    expect(r.body.error.message).toContain("endpoints.read");
  });
});

describe("POST /api/endpoints", () => {
  it("accepts every documented field, trims the name and normalises the URL", async () => {
    const body = {
      name: `  ${"n".repeat(100)}  `,
      base_url: `${spare.url}///`,
      api_key: "spare-key-abcdef123456",
      health_check_interval_secs: 10,
      inference_timeout_secs: 600,
      max_concurrency: 4,
      notes: "rack 3",
    };
    spare.setFaults({ healthStatus: null });
    const r = await api("POST", "/api/endpoints", { key: KEY, body });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({
      name: "n".repeat(100),
      base_url: spare.url,
      endpoint_type: "vllm",
      status: "pending",
      has_api_key: true,
      health_check_interval_secs: 10,
      inference_timeout_secs: 600,
      max_concurrency: 4,
      notes: "rack 3",
      model_count: 0,
      aggregate_tps: null,
    });
    expect(r.text).not.toContain("spare-key-abcdef123456");
    const d = await waitDetail(r.body.id, (b) => b.status === "online" && b.model_count === 1);
    expect(d.models[0]).toMatchObject({ model_id: "Qwen/Qwen2.5-7B-Instruct", capabilities: ["chat"] });
    const del = await api("DELETE", `/api/endpoints/${r.body.id}`, { key: KEY });
    expect(del.status).toBe(204);
    const boundary = await api("POST", "/api/endpoints", {
      key: KEY,
      body: {
        name: "boundary",
        base_url: spare.url,
        health_check_interval_secs: 300,
        inference_timeout_secs: 10,
        max_concurrency: null,
        notes: null,
      },
    });
    expect(boundary.status, boundary.text).toBe(201);
    expect(boundary.body).toMatchObject({
      health_check_interval_secs: 300,
      inference_timeout_secs: 10,
      max_concurrency: null,
      notes: null,
      has_api_key: false,
    });
    ids.spare = boundary.body.id;
    await waitDetail(ids.spare, (b) => b.status === "online" && b.model_count === 1);
    await quiet();
  });

  const invalid: Array<[string, unknown, string]> = [
    ["a URL that is not a URL", { name: "x1", base_url: "not a url" }, "base_url"],
    ["a non-http URL", { name: "x2", base_url: "ftp://127.0.0.1:21" }, "base_url"],
    ["a URL with credentials", { name: "x3", base_url: "http://u:p@127.0.0.1:1" }, "base_url"],
    ["a URL with a query", { name: "x4", base_url: "http://127.0.0.1:1/?a=b" }, "base_url"],
    ["a missing base_url", { name: "x5" }, "base_url"],
    ["a numeric base_url", { name: "x6", base_url: 8080 }, "base_url"],
    ["a name of 101 characters", { name: "n".repeat(101), base_url: "http://127.0.0.1:1" }, "name"],
    ["a blank name", { name: "   ", base_url: "http://127.0.0.1:1" }, "name"],
    ["a missing name", { base_url: "http://127.0.0.1:1" }, "name"],
    ["a numeric name", { name: 42, base_url: "http://127.0.0.1:1" }, "name"],
    [
      "an interval of 9 s",
      { name: "x7", base_url: "http://127.0.0.1:1", health_check_interval_secs: 9 },
      "health_check_interval_secs",
    ],
    [
      "an interval of 301 s",
      { name: "x8", base_url: "http://127.0.0.1:1", health_check_interval_secs: 301 },
      "health_check_interval_secs",
    ],
    [
      "a string interval",
      { name: "x9", base_url: "http://127.0.0.1:1", health_check_interval_secs: "30" },
      "health_check_interval_secs",
    ],
    [
      "a fractional interval",
      { name: "x10", base_url: "http://127.0.0.1:1", health_check_interval_secs: 30.5 },
      "health_check_interval_secs",
    ],
    [
      "an inference timeout of 5 s",
      { name: "x11", base_url: "http://127.0.0.1:1", inference_timeout_secs: 5 },
      "inference_timeout_secs",
    ],
    ["max_concurrency 0", { name: "x12", base_url: "http://127.0.0.1:1", max_concurrency: 0 }, "max_concurrency"],
    [
      "a string max_concurrency",
      { name: "x13", base_url: "http://127.0.0.1:1", max_concurrency: "4" },
      "max_concurrency",
    ],
    ["a numeric api_key", { name: "x14", base_url: "http://127.0.0.1:1", api_key: 1234 }, "api_key"],
    ["numeric notes", { name: "x15", base_url: "http://127.0.0.1:1", notes: 5 }, "notes"],
  ];
  it.each(invalid)("%s → 400 naming the field, nothing stored", async (_label, body, field) => {
    await unchanged(JSON.stringify(body), async () => {
      expectError(await api("POST", "/api/endpoints", { key: KEY, body }), 400, "validation_error", field);
    });
  });

  it("an unknown field, malformed JSON, or a JSON non-object → 400, nothing stored", async () => {
    await unchanged("bodies", async () => {
      const unknown = await api("POST", "/api/endpoints", {
        key: KEY,
        body: { name: "y", base_url: "http://127.0.0.1:1", colour: "red" },
      });
      expectError(unknown, 400, "validation_error");
      expect(unknown.body.error.message).toContain("colour");
      expectError(
        await api("POST", "/api/endpoints", { key: KEY, raw: '{"name": "y", "base_url": ' }),
        400,
        "validation_error",
        "body",
      );
      expectError(await api("POST", "/api/endpoints", { key: KEY, raw: "[]" }), 400, "validation_error");
      expectError(await api("POST", "/api/endpoints", { key: KEY, raw: "null" }), 400, "validation_error");
      expectError(await api("POST", "/api/endpoints", { key: KEY, raw: "" }), 400, "validation_error");
    });
  });

  it("409 on a duplicate name or base_url (also after trailing-slash and case normalisation), nothing stored", async () => {
    await unchanged("duplicates", async () => {
      const n = await api("POST", "/api/endpoints", {
        key: KEY,
        body: { name: "  xllm-a ", base_url: "http://127.0.0.1:9/other" },
      });
      expectError(n, 409, "conflict", "name");
      const u = await api("POST", "/api/endpoints", { key: KEY, body: { name: "other", base_url: xllm.url } });
      expectError(u, 409, "conflict", "base_url");
      const slash = await api("POST", "/api/endpoints", {
        key: KEY,
        body: { name: "other", base_url: `${xllm.url}/` },
      });
      expectError(slash, 409, "conflict", "base_url");
      const upper = await api("POST", "/api/endpoints", {
        key: KEY,
        body: { name: "other", base_url: `${xllm.url.replace("http://", "HTTP://")}//` },
      });
      expectError(upper, 409, "conflict", "base_url");
    });
  });

  it("401 without credentials; 403 for a viewer key naming endpoints.manage; nothing stored", async () => {
    await unchanged("auth", async () => {
      expectError(
        await api("POST", "/api/endpoints", { body: { name: "z", base_url: "http://127.0.0.1:1" } }),
        401,
        "unauthorized",
      );
      const r = await api("POST", "/api/endpoints", {
        key: VIEWER,
        body: { name: "z", base_url: "http://127.0.0.1:1" },
      });
      expectError(r, 403, "forbidden");
      expect(r.body.error.message).toContain("endpoints.manage");
    });
  });
});

describe("GET /api/endpoints/{id}", () => {
  it("returns the detail with models[]", async () => {
    const r = await api("GET", `/api/endpoints/${ids.xllm}`, { key: VIEWER });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: ids.xllm,
      name: "xllm-a",
      endpoint_type: "xllm",
      status: "online",
      model_count: 2,
    });
    expect(r.body.models.map((m: { model_id: string }) => m.model_id).sort()).toEqual(["llama-3.2-1b", SLASHY].sort());
    for (const m of r.body.models)
      expect(Object.keys(m).sort()).toEqual(["capabilities", "context_length", "model_id", "synced_at", "tps"]);
    expect(r.body.latency_ms).toEqual(expect.any(Number));
    expect(r.body.last_seen_at).toEqual(expect.any(String));
  });

  it("404 for an unknown id and for a non-UUID id; 401; 403", async () => {
    expectError(await api("GET", `/api/endpoints/${NO_SUCH}`, { key: KEY }), 404, "not_found");
    expectError(await api("GET", "/api/endpoints/not-a-uuid", { key: KEY }), 404, "not_found");
    expectError(await api("GET", `/api/endpoints/${ids.xllm}`), 401, "unauthorized");
    const r = await api("GET", `/api/endpoints/${ids.xllm}`, { key: logsOnlyKey });
    expectError(r, 403, "forbidden");
    expect(r.body.error.message).toContain("endpoints.read");
  });
});

describe("PATCH /api/endpoints/{id}", () => {
  it("changes the given fields only", async () => {
    const before = (await api("GET", `/api/endpoints/${ids.ollama}`, { key: KEY })).body;
    const r = await api("PATCH", `/api/endpoints/${ids.ollama}`, {
      key: KEY,
      body: {
        name: "ollama-renamed",
        notes: "moved",
        max_concurrency: 2,
        inference_timeout_secs: 60,
        health_check_interval_secs: 250,
      },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({
      id: ids.ollama,
      name: "ollama-renamed",
      notes: "moved",
      max_concurrency: 2,
      inference_timeout_secs: 60,
      health_check_interval_secs: 250,
      base_url: ollama.url,
      status: "online",
      endpoint_type: "ollama",
    });
    expect(Date.parse(r.body.updated_at)).toBeGreaterThan(Date.parse(before.updated_at));
    expect(r.body.registered_at).toBe(before.registered_at);
    const d = await api("GET", `/api/endpoints/${ids.ollama}`, { key: KEY });
    expect(d.body.name).toBe("ollama-renamed");
    expect(d.body.model_count).toBe(2);
    await quiet();
  });

  it("api_key:null clears the key; a new key is stored encrypted and sent upstream", async () => {
    const cleared = await api("PATCH", `/api/endpoints/${ids.keyed}`, { key: KEY, body: { api_key: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.has_api_key).toBe(false);
    const row = await s.db().execute({ sql: "SELECT api_key FROM endpoints WHERE id = ?", args: [ids.keyed] });
    expect(row.rows[0].api_key).toBeNull();
    // Without its key the endpoint is rejected upstream: the connection test fails and no Bearer is sent.
    const n = keyed.requests.length;
    const t = await api("POST", `/api/endpoints/${ids.keyed}/test`, { key: KEY });
    expect(t.body.success).toBe(false);
    expect(keyed.requests.slice(n).every((q) => q.headers.authorization === undefined)).toBe(true);
    await waitDetail(ids.keyed, (b) => b.status === "error");

    const restored = await api("PATCH", `/api/endpoints/${ids.keyed}`, { key: KEY, body: { api_key: SECRET } });
    expect(restored.body.has_api_key).toBe(true);
    const t2 = await api("POST", `/api/endpoints/${ids.keyed}/test`, { key: KEY });
    expect(t2.body).toMatchObject({ success: true, endpoint_type: "openai_compatible" });
    await waitDetail(ids.keyed, (b) => b.status === "online");
    await quiet();
  });

  it("a new base_url re-detects the type, resets status to pending and replaces the models", async () => {
    const other = await startFake({ kind: "xllm", models: ["xllm-only-model"] });
    fakes.push(other);
    const tmp = await api("POST", "/api/endpoints", {
      key: KEY,
      body: {
        name: "moving",
        base_url: (await startFake({ kind: "ollama", models: ["old:1b"] }).then((f) => (fakes.push(f), f))).url,
        health_check_interval_secs: 300,
      },
    });
    expect(tmp.body.endpoint_type).toBe("ollama");
    await waitDetail(tmp.body.id, (b) => b.status === "online" && b.model_count === 1);
    const r = await api("PATCH", `/api/endpoints/${tmp.body.id}`, { key: KEY, body: { base_url: `${other.url}/` } });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ base_url: other.url, endpoint_type: "xllm", status: "pending" });
    expect(other.requests.some((q) => q.path === "/api/system")).toBe(true);
    const d = await waitDetail(tmp.body.id, (b) => b.status === "online" && b.model_count === 1);
    expect(d.models.map((m: { model_id: string }) => m.model_id)).toEqual(["xllm-only-model"]);
    expect(d.endpoint_type).toBe("xllm");
    // To an unreachable URL: type unknown, pending, then offline.
    const dead = await api("PATCH", `/api/endpoints/${tmp.body.id}`, { key: KEY, body: { base_url: await deadUrl() } });
    expect(dead.body).toMatchObject({ endpoint_type: "unknown", status: "pending" });
    await waitDetail(tmp.body.id, (b) => b.status === "offline");
    expect((await api("DELETE", `/api/endpoints/${tmp.body.id}`, { key: KEY })).status).toBe(204);
    await quiet();
  });

  const invalid: Array<[string, unknown, string]> = [
    ["an interval of 5 s", { health_check_interval_secs: 5 }, "health_check_interval_secs"],
    ["a name of 101 characters", { name: "n".repeat(101) }, "name"],
    ["a blank name", { name: "" }, "name"],
    ["a bad URL", { base_url: "localhost:11434" }, "base_url"],
    ["a numeric api_key", { api_key: 5 }, "api_key"],
    ["a boolean notes", { notes: true }, "notes"],
    ["a negative max_concurrency", { max_concurrency: -1 }, "max_concurrency"],
  ];
  it.each(invalid)("%s → 400 naming the field, nothing changed", async (_label, body, field) => {
    await unchanged(JSON.stringify(body), async () => {
      expectError(await api("PATCH", `/api/endpoints/${ids.xllm}`, { key: KEY, body }), 400, "validation_error", field);
    });
  });

  it("malformed JSON and unknown fields → 400; 404 unknown/non-UUID id; 409 duplicates; 401; 403 — nothing changed", async () => {
    await unchanged("patch errors", async () => {
      expectError(
        await api("PATCH", `/api/endpoints/${ids.xllm}`, { key: KEY, raw: "{name:" }),
        400,
        "validation_error",
        "body",
      );
      const unknown = await api("PATCH", `/api/endpoints/${ids.xllm}`, { key: KEY, body: { status: "online" } });
      expectError(unknown, 400, "validation_error");
      expectError(
        await api("PATCH", `/api/endpoints/${NO_SUCH}`, { key: KEY, body: { notes: "x" } }),
        404,
        "not_found",
      );
      expectError(await api("PATCH", "/api/endpoints/123", { key: KEY, body: { notes: "x" } }), 404, "not_found");
      expectError(
        await api("PATCH", `/api/endpoints/${ids.xllm}`, { key: KEY, body: { name: "keyed-a" } }),
        409,
        "conflict",
        "name",
      );
      expectError(
        await api("PATCH", `/api/endpoints/${ids.xllm}`, { key: KEY, body: { base_url: `${ollama.url}/` } }),
        409,
        "conflict",
        "base_url",
      );
      expectError(await api("PATCH", `/api/endpoints/${ids.xllm}`, { body: { notes: "x" } }), 401, "unauthorized");
      const v = await api("PATCH", `/api/endpoints/${ids.xllm}`, { key: VIEWER, body: { notes: "x" } });
      expectError(v, 403, "forbidden");
      expect(v.body.error.message).toContain("endpoints.manage");
    });
  });
});

describe("POST /api/endpoints/{id}/test", () => {
  it("200 with the documented shape; failure is success:false with 200", async () => {
    const r = await api("POST", `/api/endpoints/${ids.xllm}/test`, { key: KEY });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      success: true,
      latency_ms: expect.any(Number),
      endpoint_type: "xllm",
      models_found: expect.arrayContaining(["llama-3.2-1b", SLASHY]),
      error: null,
      error_code: null,
    });
    spare.setFaults({ healthStatus: 500 });
    const bad = await api("POST", `/api/endpoints/${ids.spare}/test`, { key: KEY });
    spare.resetFaults();
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({ success: false, error: expect.any(String) });
    expect((await api("POST", `/api/endpoints/${ids.spare}/test`, { key: KEY })).body.success).toBe(true);
    await quiet();
  });

  it("404; 401; 403 — nothing changed", async () => {
    await unchanged("test errors", async () => {
      expectError(await api("POST", `/api/endpoints/${NO_SUCH}/test`, { key: KEY }), 404, "not_found");
      expectError(await api("POST", "/api/endpoints/x/test", { key: KEY }), 404, "not_found");
      expectError(await api("POST", `/api/endpoints/${ids.xllm}/test`), 401, "unauthorized");
      const v = await api("POST", `/api/endpoints/${ids.xllm}/test`, { key: VIEWER });
      expectError(v, 403, "forbidden");
      expect(v.body.error.message).toContain("endpoints.manage");
    });
  });
});

describe("POST /api/endpoints/{id}/sync and GET /api/endpoints/{id}/models", () => {
  it("200 {synced_models, added, removed, updated}, reflecting upstream changes", async () => {
    xllm.models = ["llama-3.2-1b", SLASHY, "added-model"];
    const r = await api("POST", `/api/endpoints/${ids.xllm}/sync`, { key: KEY });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({
      synced_models: ["llama-3.2-1b", SLASHY, "added-model"],
      added: 1,
      removed: 0,
      updated: 0,
    });
    xllm.models = ["llama-3.2-1b", SLASHY];
    const r2 = await api("POST", `/api/endpoints/${ids.xllm}/sync`, { key: KEY });
    expect(r2.body).toMatchObject({ added: 0, removed: 1 });
    const m = await api("GET", `/api/endpoints/${ids.xllm}/models`, { key: VIEWER });
    expect(m.status).toBe(200);
    expect(m.body.models.map((x: { model_id: string }) => x.model_id).sort()).toEqual(["llama-3.2-1b", SLASHY].sort());
    expect(m.body.models[0]).toMatchObject({ context_length: 131072, capabilities: ["text", "vision"] });
    await quiet();
  });

  it("502 upstream_error on a 500 or a garbage answer, 503 endpoint_unreachable when dead; models kept, nothing changed", async () => {
    const models = (await api("GET", `/api/endpoints/${ids.spare}/models`, { key: KEY })).body.models;
    expect(models).toHaveLength(1);
    await unchanged("failed syncs", async () => {
      spare.setFaults({ healthStatus: 500 });
      expectError(await api("POST", `/api/endpoints/${ids.spare}/sync`, { key: KEY }), 502, "upstream_error");
      spare.setFaults({ healthStatus: null, garbage: true });
      expectError(await api("POST", `/api/endpoints/${ids.spare}/sync`, { key: KEY }), 502, "upstream_error");
      spare.resetFaults();
      await spare.stop();
      const dead = await api("POST", `/api/endpoints/${ids.spare}/sync`, { key: KEY });
      expectError(dead, 503, "endpoint_unreachable");
    });
    expect((await api("GET", `/api/endpoints/${ids.spare}/models`, { key: KEY })).body.models).toEqual(models);
    await spare.start();
  });

  it("404; 401; 403 — nothing changed", async () => {
    await unchanged("sync errors", async () => {
      expectError(await api("POST", `/api/endpoints/${NO_SUCH}/sync`, { key: KEY }), 404, "not_found");
      expectError(await api("POST", "/api/endpoints/nope/sync", { key: KEY }), 404, "not_found");
      expectError(await api("POST", `/api/endpoints/${ids.xllm}/sync`), 401, "unauthorized");
      expectError(await api("POST", `/api/endpoints/${ids.xllm}/sync`, { key: VIEWER }), 403, "forbidden");
      expectError(await api("GET", `/api/endpoints/${NO_SUCH}/models`, { key: KEY }), 404, "not_found");
      expectError(await api("GET", "/api/endpoints/nope/models", { key: KEY }), 404, "not_found");
      expectError(await api("GET", `/api/endpoints/${ids.xllm}/models`), 401, "unauthorized");
      const f = await api("GET", `/api/endpoints/${ids.xllm}/models`, { key: logsOnlyKey });
      expectError(f, 403, "forbidden");
      expect(f.body.error.message).toContain("endpoints.read");
    });
  });
});

describe("download and progress", () => {
  it("errors: missing or malformed body 400; non-xLLM 400 download_not_supported; 404; 401; 403 — nothing changed", async () => {
    await unchanged("download errors", async () => {
      expectError(
        await api("POST", `/api/endpoints/${ids.xllm}/download`, { key: KEY, body: {} }),
        400,
        "validation_error",
        "model",
      );
      expectError(
        await api("POST", `/api/endpoints/${ids.xllm}/download`, { key: KEY, body: { model: 7 } }),
        400,
        "validation_error",
        "model",
      );
      expectError(
        await api("POST", `/api/endpoints/${ids.xllm}/download`, { key: KEY, raw: "{" }),
        400,
        "validation_error",
        "body",
      );
      expectError(
        await api("POST", `/api/endpoints/${ids.ollama}/download`, { key: KEY, body: { model: "m" } }),
        400,
        "download_not_supported",
      );
      expectError(
        await api("POST", `/api/endpoints/${ids.keyed}/download`, { key: KEY, body: { model: "m" } }),
        400,
        "download_not_supported",
      );
      expectError(
        await api("POST", `/api/endpoints/${NO_SUCH}/download`, { key: KEY, body: { model: "m" } }),
        404,
        "not_found",
      );
      expectError(
        await api("POST", "/api/endpoints/zzz/download", { key: KEY, body: { model: "m" } }),
        404,
        "not_found",
      );
      expectError(
        await api("POST", `/api/endpoints/${ids.xllm}/download`, { body: { model: "m" } }),
        401,
        "unauthorized",
      );
      expectError(
        await api("POST", `/api/endpoints/${ids.xllm}/download`, { key: VIEWER, body: { model: "m" } }),
        403,
        "forbidden",
      );
      expectError(
        await api("GET", `/api/endpoints/${ids.xllm}/download/progress`, { key: KEY }),
        400,
        "validation_error",
        "model",
      );
      expectError(
        await api("GET", `/api/endpoints/${ids.xllm}/download/progress?model=none`, { key: KEY }),
        404,
        "not_found",
      );
      expectError(
        await api("GET", `/api/endpoints/${NO_SUCH}/download/progress?model=m`, { key: KEY }),
        404,
        "not_found",
      );
      expectError(await api("GET", `/api/endpoints/${ids.xllm}/download/progress?model=m`), 401, "unauthorized");
      expectError(
        await api("GET", `/api/endpoints/${ids.xllm}/download/progress?model=m`, { key: logsOnlyKey }),
        403,
        "forbidden",
      );
    });
    expect(xllm.requests.some((q) => q.path === "/api/models/download")).toBe(false);
  });

  it("202 with the task, then progress; a model id with / and : round-trips", async () => {
    const r = await api("POST", `/api/endpoints/${ids.xllm}/download`, { key: KEY, body: { model: "org/model:q8" } });
    expect(r.status, r.text).toBe(202);
    expect(r.body).toMatchObject({
      model: "org/model:q8",
      status: expect.stringMatching(/^(pending|downloading)$/),
      progress: 0,
    });
    const p = await api(
      "GET",
      `/api/endpoints/${ids.xllm}/download/progress?model=${encodeURIComponent("org/model:q8")}`,
      { key: VIEWER },
    );
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ model: "org/model:q8", status: "downloading", progress: 25 });
  });
});

describe("GET /api/endpoints/{id}/models/{model_id}/info", () => {
  it("a percent-encoded id with / and : reaches the xLLM endpoint intact", async () => {
    const r = await api("GET", `/api/endpoints/${ids.xllm}/models/${encodeURIComponent(SLASHY)}/info`, { key: VIEWER });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ model: SLASHY, context_length: 131072, capabilities: ["text", "vision"] });
    const asked = xllm.requests
      .filter((q) => q.path.startsWith("/api/models/") && q.path.endsWith("/info"))
      .map((q) => decodeURIComponent(q.path.slice(12, -5)));
    expect(asked).toContain(SLASHY);
  });

  it("unknown model → 404 model_not_found; non-xLLM/Ollama → 400; unknown endpoint 404; 401; 403", async () => {
    expectError(
      await api("GET", `/api/endpoints/${ids.xllm}/models/no-such-model/info`, { key: KEY }),
      404,
      "model_not_found",
    );
    expectError(
      await api("GET", `/api/endpoints/${ids.ollama}/models/no-such%3Amodel/info`, { key: KEY }),
      404,
      "model_not_found",
    );
    expectError(
      await api("GET", `/api/endpoints/${ids.keyed}/models/gpt-4o-mini/info`, { key: KEY }),
      400,
      "metadata_not_supported",
    );
    expectError(await api("GET", `/api/endpoints/${NO_SUCH}/models/m/info`, { key: KEY }), 404, "not_found");
    expectError(await api("GET", "/api/endpoints/abc/models/m/info", { key: KEY }), 404, "not_found");
    expectError(await api("GET", `/api/endpoints/${ids.xllm}/models/llama-3.2-1b/info`), 401, "unauthorized");
    expectError(
      await api("GET", `/api/endpoints/${ids.xllm}/models/llama-3.2-1b/info`, { key: logsOnlyKey }),
      403,
      "forbidden",
    );
  });
});

describe("DELETE /api/endpoints/{id}", () => {
  it("401, 403, 404 change nothing", async () => {
    await unchanged("delete errors", async () => {
      expectError(await api("DELETE", `/api/endpoints/${ids.spare}`), 401, "unauthorized");
      const v = await api("DELETE", `/api/endpoints/${ids.spare}`, { key: VIEWER });
      expectError(v, 403, "forbidden");
      expect(v.body.error.message).toContain("endpoints.manage");
      expectError(await api("DELETE", `/api/endpoints/${NO_SUCH}`, { key: KEY }), 404, "not_found");
      expectError(await api("DELETE", "/api/endpoints/0", { key: KEY }), 404, "not_found");
    });
  });

  it("204, then 404 everywhere; its models, checks and tasks are gone", async () => {
    const r = await api("DELETE", `/api/endpoints/${ids.spare}`, { key: KEY });
    expect(r.status).toBe(204);
    expect(r.text).toBe("");
    expectError(await api("GET", `/api/endpoints/${ids.spare}`, { key: KEY }), 404, "not_found");
    expectError(await api("DELETE", `/api/endpoints/${ids.spare}`, { key: KEY }), 404, "not_found");
    expectError(await api("POST", `/api/endpoints/${ids.spare}/sync`, { key: KEY }), 404, "not_found");
    const db = s.db();
    for (const t of ["endpoint_models", "health_checks", "download_tasks"]) {
      const rs = await db.execute({ sql: `SELECT count(*) AS n FROM ${t} WHERE endpoint_id = ?`, args: [ids.spare] });
      expect(Number(rs.rows[0].n), t).toBe(0);
    }
    expect(
      (await api("GET", "/api/endpoints", { key: KEY })).body.endpoints.map((e: { id: string }) => e.id),
    ).not.toContain(ids.spare);
  });
});

describe("audit and secret hygiene", () => {
  it("create, update and delete are audit-logged with the actor and target", async () => {
    const rs = await s
      .db()
      .execute(
        "SELECT action, actor_type, actor_id, target_type, target_id, details FROM audit_log WHERE target_type = 'endpoint' ORDER BY id",
      );
    const rows = rs.rows.map((r) => ({ ...r }));
    const has = (action: string, id: string) => rows.some((r) => r.action === action && r.target_id === id);
    expect(has("endpoint.create", ids.xllm)).toBe(true);
    expect(has("endpoint.create", ids.keyed)).toBe(true);
    expect(has("endpoint.update", ids.ollama)).toBe(true);
    expect(has("endpoint.update", ids.keyed)).toBe(true);
    expect(has("endpoint.delete", ids.spare)).toBe(true);
    const create = rows.find((r) => r.action === "endpoint.create" && r.target_id === ids.xllm)!;
    expect(create).toMatchObject({ actor_type: "api_key", actor_id: "sk_debug" });
    const update = rows.find((r) => r.action === "endpoint.update" && r.target_id === ids.ollama)!;
    expect(String(update.details)).toContain("name");
  });

  it("the endpoint key is never in a response body, a log line, or the database in plaintext", async () => {
    expect(bodies.length).toBeGreaterThan(100);
    for (const b of bodies) expect(b).not.toContain(SECRET);
    expect(s.output()).not.toContain(SECRET);
    expect(s.output()).not.toContain("spare-key-abcdef123456");
    const db = s.db();
    const tables = await db.execute("SELECT name FROM sqlite_master WHERE type = 'table'");
    for (const { name } of tables.rows) {
      const rs = await db.execute(`SELECT * FROM "${String(name)}"`);
      expect(JSON.stringify(rs.rows), String(name)).not.toContain(SECRET);
    }
    const stored = await db.execute({ sql: "SELECT api_key FROM endpoints WHERE id = ?", args: [ids.keyed] });
    expect(stored.rows[0].api_key).toEqual(expect.any(String));
    expect(String(stored.rows[0].api_key).length).toBeGreaterThan(SECRET.length);
  });
});
