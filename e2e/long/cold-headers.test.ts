// Timeouts are ours: an upstream that sends its headers after 320 s (past undici's 300 s default) is
// waited for, with inference_timeout_secs 600. Runs in `npm run test:long` (scripts/test.mjs starts it beside the rest).
import { afterAll, beforeAll, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { registerOnline } from "../harness/endpoints";
import { startFake, type FakeUpstream } from "../fakes/upstream";
import { post } from "./post";

let s: TestServer;
let fake: FakeUpstream;

beforeAll(async () => {
  s = await startServer();
  fake = await startFake({ kind: "vllm", models: ["slow-cold"], faults: { delayMs: 320_000 } });
  await registerOnline(s.url, { name: "slow-cold", base_url: fake.url, inference_timeout_secs: 600 });
});
afterAll(async () => {
  await s?.stop();
  await fake?.stop();
});

it("headers after 320 s with inference_timeout_secs 600: the client gets the answer", async () => {
  const t0 = Date.now();
  const r = await post(`${s.url}/v1/chat/completions`, {
    model: "slow-cold",
    messages: [{ role: "user", content: "hi" }],
  });
  expect(r.status).toBe(200);
  expect(JSON.parse(r.text).choices[0].message.content).toContain("Hello from");
  expect(Date.now() - t0).toBeGreaterThanOrEqual(320_000);
}, 400_000);
