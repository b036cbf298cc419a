// LLMLB_ACCESS_LOG=1: one JSON line per /v1 request with who, what, where, how it ended and the tokens, never the
// prompt; off, not a line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { call } from "../harness/http";
import { registerOnline, waitFor } from "../harness/endpoints";
import { startFake, type FakeUpstream } from "../fakes/upstream";

const SECRET_PROMPT = "the-prompt-that-must-never-be-logged";
let on: TestServer;
let off: TestServer;
let fake: FakeUpstream;

const accessLines = (s: TestServer) =>
  s
    .output()
    .split("\n")
    .filter((l) => l.includes('"type":"access"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  fake = await startFake({ kind: "openai", models: ["access-model"] });
  [on, off] = await Promise.all([startServer({ env: { LLMLB_ACCESS_LOG: "1" } }), startServer()]);
  for (const s of [on, off]) await registerOnline(s.url, { name: "access", base_url: fake.url });
});
afterAll(async () => {
  await Promise.all([on?.stop(), off?.stop(), fake?.stop()]);
});

describe("the access log", () => {
  it("on: one line per request with its facts, never the prompt", async () => {
    const key = await call(on.url, "POST", "/api/api-keys", {
      key: "sk_debug",
      body: { name: "team-a", permissions: ["openai.inference"] },
    });
    const messages = [{ role: "user", content: SECRET_PROMPT }];
    const ok = await call(on.url, "POST", "/v1/chat/completions", {
      key: key.body.key,
      headers: { "x-request-id": "acc-1" },
      body: { model: "access-model", messages },
    });
    const streamed = await call(on.url, "POST", "/v1/chat/completions", {
      key: key.body.key,
      headers: { "x-request-id": "acc-2" },
      body: { model: "access-model", stream: true, messages },
    });
    const unknown = await call(on.url, "POST", "/v1/chat/completions", {
      key: "sk_debug",
      headers: { "x-request-id": "acc-3" },
      body: { model: "nope", messages },
    });
    expect([ok.status, streamed.status, unknown.status]).toEqual([200, 200, 404]);
    await waitFor(async () => accessLines(on).length >= 3, 3000);
    const byId = Object.fromEntries(accessLines(on).map((l) => [l.request_id, l]));
    expect(byId["acc-1"]).toMatchObject({
      key: "team-a",
      user: null,
      route: "/v1/chat/completions",
      model: "access-model",
      endpoint: "access",
      status: 200,
      outcome: "success",
      prompt_tokens: expect.any(Number),
      completion_tokens: 10,
    });
    expect(byId["acc-1"].duration_ms).toEqual(expect.any(Number));
    expect(byId["acc-2"]).toMatchObject({
      status: 200,
      outcome: "success",
      completion_tokens: 10,
      ttft_ms: expect.any(Number),
    });
    expect(byId["acc-3"]).toMatchObject({ key: "debug", model: "nope", endpoint: null, status: 404, outcome: "error" });
    expect(accessLines(on)).toHaveLength(3);
    expect(on.output()).not.toContain(SECRET_PROMPT);
    expect(on.output()).not.toContain(key.body.key);
  });

  it("off (the default): no line", async () => {
    expect(
      (
        await call(off.url, "POST", "/v1/chat/completions", {
          key: "sk_debug",
          body: { model: "access-model", messages: [] },
        })
      ).status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(accessLines(off)).toEqual([]);
  });
});
