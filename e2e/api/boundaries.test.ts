// The /v1 thread stays free of Next: nothing it loads while serving /v1 and /metrics (API keys and a dashboard
// session included) comes from the `next` package, which would bring Next's async hooks into the proxy's thread.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { call, login } from "../harness/http";
import { registerOnline, waitFor } from "../harness/endpoints";
import { startFake, type FakeUpstream } from "../fakes/upstream";

let s: TestServer;
let fake: FakeUpstream;

beforeAll(async () => {
  s = await startServer({ nodeArgs: ["--import", path.resolve(import.meta.dirname, "../harness/loaded-modules.mjs")] });
  fake = await startFake({ kind: "openai", models: ["boundary-model"] });
  await registerOnline(s.url, { name: "boundary", base_url: fake.url });
});
afterAll(async () => {
  await s?.stop();
  await fake?.stop();
});

async function loadedModules(): Promise<string[]> {
  const from = s.output().length;
  s.proc.kill("SIGUSR2");
  let line: string | undefined;
  await waitFor(async () => (line = /LOADED_MODULES (.*)\n/.exec(s.output().slice(from))?.[1]) !== undefined, 5000);
  return JSON.parse(line!) as string[];
}

describe("the main thread", () => {
  it("serves /v1 and /metrics with keys and a session without loading the next package", async () => {
    const { cookie } = await login(s.url, "admin", "admin-password-1");
    expect(
      (
        await call(s.url, "POST", "/v1/chat/completions", {
          key: "sk_debug",
          body: { model: "boundary-model", messages: [] },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call(s.url, "POST", "/v1/chat/completions", {
          cookie: cookie!,
          body: { model: "boundary-model", messages: [] },
        })
      ).status,
    ).toBe(200);
    expect((await call(s.url, "GET", "/v1/models", { key: "sk_debug" })).status).toBe(200);
    expect((await fetch(`${s.url}/metrics`, { headers: { authorization: "Bearer sk_debug" } })).status).toBe(200);
    const modules = await loadedModules();
    // the check sees packages at all: undici (the proxy's client) is there
    expect(modules.some((m) => m.includes(`${path.sep}node_modules${path.sep}undici${path.sep}`))).toBe(true);
    expect(modules.filter((m) => m.includes(`${path.sep}node_modules${path.sep}next${path.sep}`))).toEqual([]);
  });
});
