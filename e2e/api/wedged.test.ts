// Wedged engines: an endpoint whose model list answers but whose completions hang leaves routing after 3
// stalls in 60 s, and returns only once a one-token generation probe passes (a passing probe, when the endpoint's
// generation probe is off).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { call } from "../harness/http";
import { registerOnline, waitDetail } from "../harness/endpoints";
import { startFake, type FakeUpstream } from "../fakes/upstream";

let s: TestServer;
const fakes: FakeUpstream[] = [];

const chat = (model: string) =>
  call(s.url, "POST", "/v1/chat/completions", {
    key: "sk_debug",
    body: { model, messages: [{ role: "user", content: "hi" }] },
  });
const generationProbes = (f: FakeUpstream) =>
  f.requests.filter(
    (r) => r.path === "/v1/chat/completions" && (r.body as { max_tokens?: number } | undefined)?.max_tokens === 1,
  ).length;

async function wedged(model: string, generationProbe: boolean) {
  const fake = await startFake({ kind: "vllm", models: [model] });
  fakes.push(fake);
  const ep = await registerOnline(s.url, {
    name: model,
    base_url: fake.url,
    inference_timeout_secs: 10,
    health_check_interval_secs: 10,
    generation_probe: generationProbe,
  });
  fake.setFaults({ hangInference: true });
  return { fake, id: ep.id };
}

beforeAll(async () => {
  s = await startServer({ env: { LLMLB_HEALTH_CHECK_TIMEOUT_MS: "1000" } });
});
afterAll(async () => {
  await s?.stop();
  await Promise.all(fakes.map((f) => f.stop()));
});

describe("wedged engines", () => {
  it("3 stalls leave routing; back only after the generation probe passes (or, with it off, any passing probe)", async () => {
    const probed = await wedged("wedge-probed", true);
    const hosted = await wedged("wedge-hosted", false);
    // three concurrent requests each, every one waits the 10 s inference timeout for headers that never come
    const answers = await Promise.all([...Array(3)].flatMap(() => [chat("wedge-probed"), chat("wedge-hosted")]));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(504));

    const marked = await waitDetail(s.url, probed.id, (b) => b.stalled_at !== null, 5000);
    expect(marked).toMatchObject({ status: "error", last_error: expect.stringContaining("completions stall") });
    expect((await chat("wedge-probed")).body.error.code).toBe("no_endpoint_available");

    // the generation probe is off for the hosted one: its next passing probe brings it back, still hanging
    const back = await waitDetail(s.url, hosted.id, (b) => b.status === "online", 15_000);
    expect(back.stalled_at).toBeNull();
    expect(generationProbes(hosted.fake)).toBe(0);

    // the probed one answers its model list all along, yet stays out while its generation probe hangs
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 12_000));
    expect(generationProbes(probed.fake)).toBeGreaterThanOrEqual(1);
    expect(probed.fake.requests.some((r) => r.path === "/v1/models")).toBe(true);
    expect((await call(s.url, "GET", `/api/endpoints/${probed.id}`, { key: "sk_debug" })).body).toMatchObject({
      status: "error",
      stalled_at: marked.stalled_at,
    });

    // unwedged: the next check's generation probe passes and the endpoint routes again
    probed.fake.resetFaults();
    const before = generationProbes(probed.fake);
    const online = await waitDetail(s.url, probed.id, (b) => b.status === "online", 30_000);
    expect(online).toMatchObject({ stalled_at: null, last_error: null });
    expect(generationProbes(probed.fake)).toBeGreaterThan(before);
    expect(Date.now() - t0).toBeGreaterThan(12_000);
    expect((await chat("wedge-probed")).status).toBe(200);
  }, 90_000);
});
