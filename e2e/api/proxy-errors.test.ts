import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { call } from "../harness/http";
import { registerOnline } from "../harness/endpoints";
import { startFake, type FakeUpstream } from "../fakes/upstream";

let s: TestServer;
let fake: FakeUpstream;

beforeAll(async () => {
  s = await startServer();
  fake = await startFake({ kind: "openai", models: ["m1"] });
  await registerOnline(s.url, { name: "one", base_url: fake.url });
  // a model known only from an endpoint that is now offline
  const gone = await startFake({ kind: "openai", models: ["only-offline"] });
  const ep = await registerOnline(s.url, { name: "gone", base_url: gone.url });
  await gone.stop();
  await call(s.url, "POST", `/api/endpoints/${ep.id}/test`, { key: "sk_debug" });
});
afterAll(async () => {
  await s?.stop();
  await fake?.stop();
});

const openAIShape = (body: { error: Record<string, unknown> }) => {
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.type).toEqual(expect.any(String));
};

describe("/v1 errors in OpenAI's shape", () => {
  it("400 without a model, and for a body that is no JSON object", async () => {
    const r = await call(s.url, "POST", "/v1/chat/completions", { key: "sk_debug", body: { messages: [] } });
    expect(r.status).toBe(400);
    expect(r.body.error.param).toBe("model");
    openAIShape(r.body);
    expect((await call(s.url, "POST", "/v1/chat/completions", { key: "sk_debug", raw: "{nope" })).status).toBe(400);
    expect((await call(s.url, "POST", "/v1/chat/completions", { key: "sk_debug", raw: "[1]" })).status).toBe(400);
    expect((await call(s.url, "POST", "/v1/chat/completions", { key: "sk_debug", body: { model: 5 } })).status).toBe(
      400,
    );
  });

  it("404 for an unknown model", async () => {
    const r = await call(s.url, "POST", "/v1/chat/completions", {
      key: "sk_debug",
      body: { model: "nope", messages: [] },
    });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("model_not_found");
    expect((await call(s.url, "GET", "/v1/models/nope", { key: "sk_debug" })).status).toBe(404);
    expect((await call(s.url, "GET", "/v1/models/m1", { key: "sk_debug" })).body.id).toBe("m1");
  });

  it("503 with Retry-After when only offline endpoints serve the model", async () => {
    const r = await call(s.url, "POST", "/v1/chat/completions", {
      key: "sk_debug",
      body: { model: "only-offline", messages: [] },
    });
    expect(r.status).toBe(503);
    expect(r.headers.get("retry-after")).toBeTruthy();
    openAIShape(r.body);
    const models = await call(s.url, "GET", "/v1/models", { key: "sk_debug" });
    expect(models.body.data.map((m: { id: string }) => m.id)).toEqual(["m1"]);
  });

  it("413 for a 21 MiB body", async () => {
    const big = JSON.stringify({ model: "m1", messages: [{ role: "user", content: "x".repeat(21 * 1024 * 1024) }] });
    const r = await call(s.url, "POST", "/v1/chat/completions", { key: "sk_debug", raw: big });
    expect(r.status).toBe(413);
    openAIShape(r.body);
  });

  it("401 for a bad key, 403 for a key without openai.inference", async () => {
    const bad = await call(s.url, "POST", "/v1/chat/completions", {
      key: "sk_wrong",
      body: { model: "m1", messages: [] },
    });
    expect(bad.status).toBe(401);
    openAIShape(bad.body);
    expect((await call(s.url, "GET", "/v1/models")).status).toBe(401);
    const k = await call(s.url, "POST", "/api/api-keys", {
      key: "sk_debug",
      body: { name: "models-only", permissions: ["openai.models.read"] },
    });
    const denied = await call(s.url, "POST", "/v1/chat/completions", {
      key: k.body.key,
      body: { model: "m1", messages: [] },
    });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain("openai.inference");
    expect((await call(s.url, "GET", "/v1/models", { key: k.body.key })).status).toBe(200);
  });

  it("502 when the only endpoint cannot be reached, and the endpoint leaves routing", async () => {
    const flaky = await startFake({ kind: "openai", models: ["flaky"] });
    const ep = await registerOnline(s.url, { name: "flaky", base_url: flaky.url });
    await flaky.stop();
    const r = await call(s.url, "POST", "/v1/chat/completions", {
      key: "sk_debug",
      body: { model: "flaky", messages: [] },
    });
    expect(r.status).toBe(502);
    openAIShape(r.body);
    const detail = await call(s.url, "GET", `/api/endpoints/${ep.id}`, { key: "sk_debug" });
    expect(["error", "offline"]).toContain(detail.body.status);
  });

  it("logs refused requests too", async () => {
    await new Promise((r) => setTimeout(r, 600));
    const rows = await s.db().execute("SELECT status, error_code FROM request_log WHERE status >= 400");
    const statuses = rows.rows.map((r) => Number(r.status));
    for (const st of [400, 401, 403, 404, 413, 503]) expect(statuses).toContain(st);
  });

  it("unknown /v1 routes are 404", async () => {
    expect((await call(s.url, "GET", "/v1/unknown", { key: "sk_debug" })).status).toBe(404);
    expect((await call(s.url, "GET", "/v1/chat/completions", { key: "sk_debug" })).status).toBe(404);
  });
});
