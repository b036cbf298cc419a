// Health checks and the status machine: first check at once, online → error → offline on a killed
// endpoint and back, bad answers are `error` not `offline`, an endpoint registered while down is detected once it
// comes up, per-endpoint intervals, a hung endpoint delays no one, and every check writes a health_checks row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { call, type Call } from "../harness/http";
import {
  freePort,
  startFake,
  startHangServer,
  type FakeKind,
  type FakeOptions,
  type FakeUpstream,
} from "../fakes/upstream";

const KEY = "sk_debug";
const TIMEOUT_MS = 3000;

let s: TestServer;
const fakes: FakeUpstream[] = [];
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  s = await startServer({ env: { LLMLB_HEALTH_CHECK_TIMEOUT_MS: String(TIMEOUT_MS) } });
});
afterAll(async () => {
  await Promise.all([s?.stop(), ...fakes.map((f) => f.stop()), ...stops.map((stop) => stop())]);
});

async function fake(kind: FakeKind, opts: Partial<FakeOptions> = {}): Promise<FakeUpstream> {
  const f = await startFake({ kind, ...opts });
  fakes.push(f);
  return f;
}

let seq = 0;
async function register(base_url: string, extra: Record<string, unknown> = {}): Promise<Call["body"]> {
  const r = await call(s.url, "POST", "/api/endpoints", {
    key: KEY,
    body: { name: `health-${++seq}`, base_url, ...extra },
  });
  expect(r.status, r.text).toBe(201);
  expect(r.body.status).toBe("pending");
  return r.body;
}

const detail = async (id: string) => (await call(s.url, "GET", `/api/endpoints/${id}`, { key: KEY })).body;

async function waitFor(id: string, pred: (b: Call["body"]) => boolean, ms = 5000, every = 50): Promise<Call["body"]> {
  const t0 = Date.now();
  let last: Call["body"];
  while (Date.now() - t0 < ms) {
    last = await detail(id);
    if (pred(last)) return last;
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`condition not met within ${ms} ms; last detail: ${JSON.stringify(last)}`);
}

interface CheckRow {
  checked_at: number;
  ok: number;
  status_before: string;
  status_after: string;
  error: string | null;
}
async function checks(id: string): Promise<CheckRow[]> {
  const rs = await s.db().execute({
    sql: "SELECT checked_at, ok, status_before, status_after, error FROM health_checks WHERE endpoint_id = ? ORDER BY checked_at, id",
    args: [id],
  });
  return rs.rows.map((r) => ({
    checked_at: Number(r.checked_at),
    ok: Number(r.ok),
    status_before: String(r.status_before),
    status_after: String(r.status_after),
    error: r.error === null ? null : String(r.error),
  }));
}

const test = (id: string) => call(s.url, "POST", `/api/endpoints/${id}/test`, { key: KEY });

describe("first check", () => {
  it("a reachable endpoint is online with its models synced within 5 s of its 201 (seed verification step 2)", async () => {
    const f = await fake("ollama", { models: ["llama3.1:8b", "nomic-embed-text:latest"] });
    const e = await register(f.url);
    const t0 = Date.now();
    const d = await waitFor(e.id, (b) => b.status === "online" && b.model_count === 2, 5000, 25);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(d.models.map((m: { model_id: string }) => m.model_id).sort()).toEqual([
      "llama3.1:8b",
      "nomic-embed-text:latest",
    ]);
    expect(d).toMatchObject({
      last_error: null,
      latency_ms: expect.any(Number),
      last_seen_at: expect.any(String),
      last_checked_at: expect.any(String),
    });
    const rows = await checks(e.id);
    expect(rows[0]).toMatchObject({ ok: 1, status_before: "pending", status_after: "online" });
    // the first check ran at once, not after the 30 s interval
    expect(rows[0].checked_at - Date.parse(e.registered_at)).toBeLessThan(2000);
  });

  it("/metrics (main thread) reports the checks' durations and the event-loop lag of both threads", async () => {
    const f = await fake("openai");
    const e = await register(f.url);
    await waitFor(e.id, (b) => b.status === "online");
    const text = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } }).then((r) => r.text());
    const count = Number(/^llmlb_health_check_duration_seconds_count\{\} (\d+)$/m.exec(text)?.[1]);
    expect(count).toBeGreaterThanOrEqual((await checks(e.id)).length);
    for (const thread of ["main", "control"]) {
      expect(text).toMatch(
        new RegExp(`^llmlb_event_loop_lag_seconds\\{thread="${thread}",quantile="0.99"\\} [\\d.e-]+$`, "m"),
      );
    }
  });
});

describe("status machine through connection tests (each records a check like a scheduled one)", () => {
  it("killed while online: error at the next check, offline at the one after; online again when restarted", async () => {
    const f = await fake("xllm", { models: ["llama-3.2-1b"] });
    const e = await register(f.url, { health_check_interval_secs: 300 });
    await waitFor(e.id, (b) => b.status === "online" && b.model_count === 1);
    const n0 = (await checks(e.id)).length;

    // A status change to error may also trigger an immediate re-check by the scheduler (the passive-signal path),
    // so the rows are the record: each check's transition, in order, whichever path ran it.
    await f.stop();
    const first = await test(e.id);
    expect(first.body.success).toBe(false);
    let d = await detail(e.id);
    expect(["error", "offline"]).toContain(d.status);
    expect(d.last_error).toEqual(expect.any(String));
    expect(d.models).toHaveLength(1); // models are kept while it is down

    expect((await test(e.id)).body.success).toBe(false);
    expect((await detail(e.id)).status).toBe("offline");
    expect((await test(e.id)).body.success).toBe(false);
    expect((await detail(e.id)).status).toBe("offline");

    await f.start();
    expect((await test(e.id)).body).toMatchObject({ success: true, endpoint_type: "xllm" });
    d = await detail(e.id);
    expect(d).toMatchObject({ status: "online", last_error: null });

    const rows = (await checks(e.id)).slice(n0);
    const failures = rows.filter((r) => r.ok === 0);
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect([failures[0].status_before, failures[0].status_after]).toEqual(["online", "error"]); // the first failure
    expect([failures[1].status_before, failures[1].status_after]).toEqual(["error", "offline"]); // the one after
    for (const r of failures.slice(2)) expect(r.status_after).toBe("offline");
    const back = rows.find((r) => r.ok === 1)!;
    expect([back.status_before, back.status_after]).toEqual(["offline", "online"]);
    expect(rows.indexOf(back)).toBe(failures.length); // every failure came before the restart
  });

  it("an endpoint answering 500 is error, not offline, and stays error", async () => {
    const f = await fake("vllm", { models: ["m"] });
    const e = await register(f.url, { health_check_interval_secs: 300 });
    await waitFor(e.id, (b) => b.status === "online");
    f.setFaults({ healthStatus: 500 });
    for (let i = 0; i < 3; i++) {
      expect((await test(e.id)).body.success).toBe(false);
      expect((await detail(e.id)).status).toBe("error");
    }
    // registered while answering 500: pending → error
    const g = await fake("openai", { faults: { healthStatus: 500 } });
    const e2 = await register(g.url, { health_check_interval_secs: 300 });
    const d2 = await waitFor(e2.id, (b) => b.status !== "pending");
    expect(d2.status).toBe("error");
    expect((await checks(e2.id))[0]).toMatchObject({ ok: 0, status_before: "pending", status_after: "error" });
    expect((await test(e2.id)).body.success).toBe(false);
    expect((await detail(e2.id)).status).toBe("error");
    f.resetFaults();
    expect((await test(e.id)).body.success).toBe(true);
    expect((await detail(e.id)).status).toBe("online");
  });

  it("an endpoint rejecting its key (401) is error, not offline", async () => {
    const f = await fake("openai", { apiKey: "right-key-0123456789", models: ["m"] });
    const e = await register(f.url, { health_check_interval_secs: 300, api_key: "wrong-key-0123456789" });
    const d = await waitFor(e.id, (b) => b.status !== "pending");
    expect(d.status).toBe("error");
    expect(d.last_error).toMatch(/auth|401/i);
    for (let i = 0; i < 2; i++) {
      await test(e.id);
      expect((await detail(e.id)).status).toBe("error");
    }
    const ok = await call(s.url, "PATCH", `/api/endpoints/${e.id}`, {
      key: KEY,
      body: { api_key: "right-key-0123456789" },
    });
    expect(ok.status).toBe(200);
    await waitFor(e.id, (b) => b.status === "online" && b.model_count === 1);
  });
});

describe("the scheduler", () => {
  it("checks each endpoint on its own interval, not delayed by a hung one; transitions and re-detection on scheduled checks", async () => {
    // A: 10 s, healthy. B: 30 s, healthy. H: 10 s, accepts connections and never answers (3 s probe timeout).
    // K: 10 s, killed after its first check and restarted once offline. E: 10 s, answers 500 after its first check.
    // L: 10 s, nothing listening at registration; a fake starts on its port once it is offline.
    const hang = await startHangServer();
    stops.push(hang.stop);
    const [a, b, k, x] = await Promise.all([fake("xllm"), fake("xllm"), fake("xllm"), fake("xllm")]);
    const lPort = await freePort();
    const h = await register(hang.url, { health_check_interval_secs: 10 }); // first, so its probes overlap the others'
    const [ea, eb, ek, ex, el] = await Promise.all([
      register(a.url, { health_check_interval_secs: 10 }),
      register(b.url, { health_check_interval_secs: 30 }),
      register(k.url, { health_check_interval_secs: 10 }),
      register(x.url, { health_check_interval_secs: 10 }),
      register(`http://127.0.0.1:${lPort}`, { health_check_interval_secs: 10 }),
    ]);
    const t0 = Date.now();
    expect(el.endpoint_type).toBe("unknown");

    await waitFor(ek.id, (d) => d.status === "online" && d.model_count === 1);
    await k.stop();
    await waitFor(ex.id, (d) => d.status === "online" && d.model_count === 1);
    x.setFaults({ healthStatus: 500 });
    await waitFor(el.id, (d) => d.status === "offline");
    const late = await fake("xllm", { port: lPort, models: ["late-model"] });
    // K goes error (~10 s) then offline (~20 s); restart it so the ~30 s check finds it back.
    await waitFor(ek.id, (d) => d.status === "offline", 25_000, 200);
    await k.start();

    // Until A, K and E have had their ~30 s check and B its second (at most ~33 s after registration).
    const all = () => Promise.all([ea, eb, h, ek, ex, el].map((e) => checks(e.id)));
    let [ra, rb, rh, rk, rx, rl] = await all();
    while (Date.now() < t0 + 33_000 && !(ra.length >= 4 && rb.length >= 2 && rk.length >= 4 && rx.length >= 4)) {
      await new Promise((r) => setTimeout(r, 200));
      [ra, rb, rh, rk, rx, rl] = await all();
    }
    const first = (rows: CheckRow[]) => rows[0].checked_at;
    const inFirst31s = (rows: CheckRow[]) => rows.slice(1).filter((r) => r.checked_at <= first(rows) + 31_000);
    const gaps = (rows: CheckRow[]) => rows.slice(1).map((r, i) => (r.checked_at - rows[i].checked_at) / 1000);

    // Intervals: in the 31 s after its first check, A (10 s) is checked 3 times and B (30 s) once — 3:1.
    expect(inFirst31s(ra).length, `A gaps ${gaps(ra)}`).toBe(3);
    expect(inFirst31s(rb).length, `B gaps ${gaps(rb)}`).toBe(1);
    // On time despite the hung endpoint: every gap of A is 10 s (±1 s for the one-second scheduler tick).
    for (const g of gaps(ra)) expect(g, `A gaps ${gaps(ra)}`).toBeGreaterThan(9);
    for (const g of gaps(ra)) expect(g, `A gaps ${gaps(ra)}`).toBeLessThan(11);
    for (const g of gaps(rb)) expect(Math.abs(g - 30), `B gaps ${gaps(rb)}`).toBeLessThan(1);
    // A's first check did not wait for H's first probe (in flight since before A existed) to time out.
    expect(first(ra) - Date.parse(ea.registered_at)).toBeLessThan(1000);
    expect(first(rh) - Date.parse(h.registered_at)).toBeGreaterThan(TIMEOUT_MS - 500);
    // The hung endpoint itself is checked on its interval too, and each check times out.
    expect(rh.length, `H gaps ${gaps(rh)}`).toBeGreaterThanOrEqual(3);
    expect(rh.every((r) => r.ok === 0)).toBe(true);
    expect(rh.at(-1)!.error).toMatch(/timed out/);
    expect((await detail(h.id)).status).toBe("offline");

    // K: online → error at the next scheduled check (~10 s) → offline at the one after → online once back.
    // (A change to error may trigger an immediate extra check, so repeated statuses are collapsed.)
    const collapse = (xs: string[]) => xs.filter((x, i) => i === 0 || x !== xs[i - 1]);
    expect(collapse(rk.map((r) => r.status_after)), `K gaps ${gaps(rk)}`).toEqual([
      "online",
      "error",
      "offline",
      "online",
    ]);
    const kError = rk.find((r) => r.status_after === "error")!;
    expect((kError.checked_at - first(rk)) / 1000).toBeGreaterThan(9);
    expect((kError.checked_at - first(rk)) / 1000).toBeLessThan(11);
    expect(rk.at(-1)!.checked_at - first(rk)).toBeGreaterThan(29_000);
    // E: a bad answer is error, and stays error (never offline), check after check.
    expect(rx[0].status_after).toBe("online");
    expect(rx.length).toBeGreaterThanOrEqual(4);
    expect(rx.slice(1).every((r) => r.status_after === "error" && r.ok === 0)).toBe(true);
    // L: pending → offline, then online with its type detected and models synced once something listens.
    expect(rl[0]).toMatchObject({ status_before: "pending", status_after: "offline" });
    expect(rl.at(-1)).toMatchObject({ ok: 1, status_after: "online" });
    const dl = await detail(el.id);
    expect(dl).toMatchObject({ status: "online", endpoint_type: "xllm" });
    expect(dl.models.map((m: { model_id: string }) => m.model_id)).toEqual(["late-model"]);
    expect(late.requests.some((q) => q.path === "/api/system")).toBe(true);

    // Every check writes a row: A's fake saw exactly as many health probes as A has rows.
    const probesOfA = a.requests.filter((q) => q.path === "/api/health").length;
    expect(probesOfA).toBe((await checks(ea.id)).length);
    expect((await detail(ea.id)).recent_health_checks.length).toBe(Math.min(20, probesOfA));
  }, 45_000);
});
