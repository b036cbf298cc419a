import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { call } from "../harness/http";
import { registerOnline, waitFor } from "../harness/endpoints";
import { startFake, type FakeUpstream } from "../fakes/upstream";

let s: TestServer;
const fakes: FakeUpstream[] = [];

const chat = (model: string, extra: Record<string, unknown> = {}) =>
  call(s.url, "POST", "/v1/chat/completions", {
    key: "sk_debug",
    body: { model, messages: [{ role: "user", content: "hi" }], ...extra },
  });
const status = async (id: string) =>
  (await call(s.url, "GET", `/api/endpoints/${id}`, { key: "sk_debug" })).body.status as string;
/** The server's TCP sockets other than its own listening port (inbound keep-alives from this test are the test's). */
function upstreamSockets(): number {
  const inodes = new Set(
    fs
      .readdirSync(`/proc/${s.proc.pid}/fd`)
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${s.proc.pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined; // closed meanwhile
        }
      })
      .filter(Boolean),
  );
  let n = 0;
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of fs.readFileSync(file, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || !inodes.has(cols[9])) continue;
      if (parseInt(cols[1].split(":")[1], 16) !== s.port) n++;
    }
  }
  return n;
}

async function pair(model: string, opts: { timeout?: number } = {}) {
  const out = [];
  for (const name of ["a", "b"]) {
    const fake = await startFake({ kind: "openai", models: [model] });
    fakes.push(fake);
    const ep = await registerOnline(s.url, {
      name: `${model}-${name}`,
      base_url: fake.url,
      inference_timeout_secs: opts.timeout ?? 10,
    });
    out.push({ fake, id: ep.id as string });
  }
  return out;
}

let baselineSockets = 0;
beforeAll(async () => {
  s = await startServer({ env: { LLMLB_HEALTH_CHECK_TIMEOUT_MS: "1000" } });
  baselineSockets = upstreamSockets();
});
afterAll(async () => {
  await s?.stop();
  await Promise.all(fakes.map((f) => f.stop()));
});

describe("faults", () => {
  it("an upstream that accepts and never answers: requests fail over after the timeout, the endpoint leaves routing", async () => {
    const [hung, ok] = await pair("hang", { timeout: 10 });
    hung.fake.setFaults({ hang: true });
    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 4 }, () => chat("hang")));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(Date.now() - t0).toBeLessThan(12_000);
    expect(ok.fake.served).toBe(4);
    expect(["error", "offline"]).toContain(await status(hung.id));
    hung.fake.resetFaults();
  }, 20_000);

  it("an upstream answering slowly byte by byte still gives a correct answer", async () => {
    const [slow, other] = await pair("slowbytes");
    slow.fake.setFaults({ slowBytesMs: 2 });
    other.fake.setFaults({ slowBytesMs: 2 });
    const r = await chat("slowbytes");
    expect(r.status).toBe(200);
    expect(r.body.choices[0].message.content).toContain("Hello from");
  });

  it("an upstream flapping up and down costs no failed request while another serves the model", async () => {
    const [flappy, steady] = await pair("flap");
    let flapping = true;
    const flap = (async () => {
      while (flapping) {
        await flappy.fake.stop();
        await new Promise((r) => setTimeout(r, 150));
        await flappy.fake.start();
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    const statuses: number[] = [];
    const until = Date.now() + 2500;
    while (Date.now() < until) statuses.push(...(await Promise.all([chat("flap"), chat("flap")])).map((r) => r.status));
    flapping = false;
    await flap;
    expect(statuses.filter((x) => x !== 200)).toEqual([]);
    expect(steady.fake.served).toBeGreaterThan(0);
  });

  it("garbage (a 200 HTML page) fails over and marks the endpoint; alone it is a 502 in OpenAI's shape", async () => {
    const [junk, good] = await pair("garbage");
    junk.fake.setFaults({ garbage: true });
    for (let i = 0; i < 4; i++) expect((await chat("garbage")).status).toBe(200);
    await waitFor(async () => (await status(junk.id)) === "error", 3000);
    good.fake.setFaults({ garbage: true });
    await call(s.url, "POST", `/api/endpoints/${junk.id}/test`, { key: "sk_debug" });
    const r = await chat("garbage");
    expect([502, 503]).toContain(r.status);
    expect(r.body.error.type).toBe("server_error");
  });

  it("an upstream dying mid-stream: error event and a clean end; a client leaving mid-stream cancels upstream", async () => {
    const [dying] = await pair("dying");
    dying.fake.setFaults({ dieAfterChunks: 1, chunkDelayMs: 30 });
    const r = await chat("dying", { stream: true });
    expect(r.text).toContain("upstream_stream_error");

    const [slow] = await pair("leaving");
    slow.fake.setFaults({ chunkDelayMs: 200 });
    const ac = new AbortController();
    const res = await fetch(`${s.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk_debug", "content-type": "application/json" },
      body: JSON.stringify({ model: "leaving", stream: true, messages: [] }),
      signal: ac.signal,
    });
    await res.body!.getReader().read();
    ac.abort();
    await waitFor(async () => slow.fake.aborted > 0, 3000);
  });

  it("a client leaving while a whole answer is being read: the request is cancelled, not failed over, and the endpoint stays online", async () => {
    const both = await pair("unread");
    for (const { fake } of both) fake.setFaults({ slowBytesMs: 20 }); // a ~260-byte answer takes ~5 s
    const ac = new AbortController();
    const pending = fetch(`${s.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk_debug", "content-type": "application/json" },
      body: JSON.stringify({ model: "unread", messages: [] }),
      signal: ac.signal,
    }).catch(() => null);
    await waitFor(
      async () => both.some(({ fake }) => fake.requests.some((r) => r.path === "/v1/chat/completions")),
      3000,
    );
    await new Promise((r) => setTimeout(r, 300)); // some bytes of the answer have arrived
    ac.abort();
    await pending;
    // the endpoints' status straight from the database, every 10 ms for a while: a client going away is not the
    // endpoint's failure (it used to be reported as one, which took the endpoint out of routing until a check)
    const seen = new Set<string>();
    const until = Date.now() + 800;
    while (Date.now() < until) {
      const rows = await s
        .db()
        .execute({ sql: "SELECT status FROM endpoints WHERE id IN (?, ?)", args: both.map((b) => b.id) });
      for (const r of rows.rows) seen.add(String(r.status));
      await new Promise((r) => setTimeout(r, 10));
    }
    expect([...seen]).toEqual(["online"]);
    expect(both.some(({ fake }) => fake.aborted > 0)).toBe(true);
    const tried = both.flatMap(({ fake }) => fake.requests.filter((r) => r.path === "/v1/chat/completions"));
    expect(tried).toHaveLength(1); // the other endpoint was never asked
  });

  it("afterwards nothing is left in flight and sockets return to their baseline", { timeout: 20_000 }, async () => {
    await waitFor(async () => {
      const m = await fetch(`${s.url}/metrics`, { headers: { authorization: "Bearer sk_debug" } }).then((r) =>
        r.text(),
      );
      return /llmlb_inflight_requests 0\b/.test(m);
    }, 5000);
    // idle keep-alive connections to the (still running) fakes may remain: allow two per endpoint
    // with the fakes gone, no connection to an upstream may be left over
    await Promise.all(fakes.map((f) => f.stop()));
    await waitFor(async () => upstreamSockets() <= baselineSockets, 10_000, 250);
  });
});
