// Many long streams to one upstream at once: every one is sent at once (no cap in the upstream pool), and a client
// that leaves takes its upstream request with it. 400 streams: more than the 256 connections the pool once allowed
// an origin, few enough for a default open-file limit of 1,024 (each stream holds a descriptor here and one in the
// fake, two in the server).
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { registerOnline, waitFor } from "../harness/endpoints";
import { startFake, type FakeUpstream } from "../fakes/upstream";

const STREAMS = 400;
/** each stream lasts 100 × 200 ms = 20 s: none ends (freeing a connection) before the check */
const CHUNKS = 100;
const CHUNK_MS = 200;

let s: TestServer;
let fake: FakeUpstream;

beforeAll(async () => {
  s = await startServer();
  fake = await startFake({
    kind: "openai",
    models: ["slow-model"],
    chunks: CHUNKS,
    faults: { chunkDelayMs: CHUNK_MS },
    record: false,
  });
  await registerOnline(s.url, { name: "slow", base_url: fake.url });
});
afterAll(async () => {
  await s?.stop();
  await fake?.stop();
});

/** Opens one stream; resolves with its request once the first chunk arrived (or rejects). */
function openStream(agent: http.Agent): Promise<http.ClientRequest> {
  const body = JSON.stringify({ model: "slow-model", stream: true, messages: [{ role: "user", content: "Hi" }] });
  return new Promise((resolve, reject) => {
    const req = http.request(`${s.url}/v1/chat/completions`, {
      method: "POST",
      agent,
      headers: { authorization: "Bearer sk_debug", "content-type": "application/json" },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      res.once("data", () => resolve(req));
      res.on("error", () => undefined);
    });
    req.end(body);
  });
}

describe("concurrent streams to one upstream", () => {
  it(`${STREAMS} streams all start at once, and all are cancelled upstream when their clients leave`, async () => {
    const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
    const t0 = performance.now();
    const settled = await Promise.allSettled(Array.from({ length: STREAMS }, () => openStream(agent)));
    const startedIn = performance.now() - t0;
    const open = settled.filter((r) => r.status === "fulfilled").map((r) => r.value);
    expect(settled.filter((r) => r.status === "rejected")).toEqual([]);
    expect(open.length).toBe(STREAMS);
    // the first streams end after CHUNKS × CHUNK_MS: started before that, every stream was sent at once
    expect(startedIn).toBeLessThan((CHUNKS * CHUNK_MS) / 2);
    expect(fake.inflight).toBe(STREAMS);
    for (const req of open) req.destroy();
    await waitFor(async () => fake.inflight === 0, 10_000);
    agent.destroy();
  }, 60_000);
});
