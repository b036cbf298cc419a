import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { startSqld } from "../harness/sqld";
import { call } from "../harness/http";
import { waitFor } from "../harness/endpoints";
import { startFake, type FakeUpstream } from "../fakes/upstream";

let sqld: Awaited<ReturnType<typeof startSqld>>;
let a: TestServer;
let b: TestServer;
let fake: FakeUpstream;

const LEASE_SECS = 3;

beforeAll(async () => {
  sqld = await startSqld();
  const env = {
    LLMLB_DATABASE_URL: sqld.url,
    LLMLB_SECRET: "cluster-test-secret-0123456789abcdef",
    LLMLB_LEASE_TTL_SECS: String(LEASE_SECS),
    LLMLB_SYNC_POLL_MS: "500",
  };
  // both at the same moment, on an empty database
  [a, b] = await Promise.all([startServer({ env }), startServer({ env })]);
  fake = await startFake({ kind: "ollama", models: ["shared-model"] });
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await fake?.stop();
  await sqld?.stop();
});

describe("several instances on one sqld", () => {
  it("both came up with one correct schema", async () => {
    expect((await call(a.url, "GET", "/api/health")).body.db).toBe("ok");
    expect((await call(b.url, "GET", "/api/health")).body.db).toBe("ok");
    const migrations = await a.db().execute("SELECT count(*) AS n FROM __drizzle_migrations");
    const files = (await import("node:fs")).readdirSync("drizzle/migrations").filter((f) => f.endsWith(".sql"));
    expect(Number(migrations.rows[0].n)).toBe(files.length);
    const admins = await a.db().execute("SELECT count(*) AS n FROM users");
    expect(Number(admins.rows[0].n)).toBe(1);
  });

  it("exactly one instance holds the scheduler lease", async () => {
    const [ha, hb] = await Promise.all([call(a.url, "GET", "/api/health"), call(b.url, "GET", "/api/health")]);
    expect([ha.body.scheduler_leader, hb.body.scheduler_leader].filter(Boolean)).toHaveLength(1);
  });

  it("an endpoint registered through A is listed by B and served by B's /v1 within 2 s", async () => {
    const created = await call(a.url, "POST", "/api/endpoints", {
      key: "sk_debug",
      body: { name: "shared", base_url: fake.url },
    });
    expect(created.status).toBe(201);
    await waitFor(
      async () =>
        (await call(a.url, "GET", `/api/endpoints/${created.body.id}`, { key: "sk_debug" })).body.status === "online",
      8000,
    );
    const t0 = Date.now();
    await waitFor(
      async () => {
        const r = await call(b.url, "POST", "/v1/chat/completions", {
          key: "sk_debug",
          body: { model: "shared-model", messages: [] },
        });
        return r.status === 200;
      },
      2000,
      50,
    );
    expect(Date.now() - t0).toBeLessThan(2000);
    const list = await call(b.url, "GET", "/api/endpoints", { key: "sk_debug" });
    expect(list.body.endpoints.map((e: { name: string }) => e.name)).toContain("shared");
  });

  it("a key revoked on A is refused by B within 2 s", async () => {
    const k = await call(a.url, "POST", "/api/api-keys", {
      key: "sk_debug",
      body: { name: "roaming", permissions: ["openai.models.read"] },
    });
    expect((await call(b.url, "GET", "/v1/models", { key: k.body.key })).status).toBe(200);
    expect((await call(a.url, "DELETE", `/api/api-keys/${k.body.id}`, { key: "sk_debug" })).status).toBe(204);
    const t0 = Date.now();
    await waitFor(async () => (await call(b.url, "GET", "/v1/models", { key: k.body.key })).status === 401, 2000, 50);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("health checks come from the lease holder only; killing it moves the lease and checks continue", async () => {
    const leader = (await call(a.url, "GET", "/api/health")).body.scheduler_leader ? a : b;
    const other = leader === a ? b : a;
    const leaderId = (await call(leader.url, "GET", "/api/health")).body.instance_id;
    const otherId = (await call(other.url, "GET", "/api/health")).body.instance_id;
    const holders = await a.db().execute("SELECT DISTINCT instance_id FROM health_checks");
    expect(holders.rows.map((r) => r.instance_id)).toEqual([leaderId]);

    await leader.stop("SIGKILL");
    const t0 = Date.now();
    await waitFor(
      async () => (await call(other.url, "GET", "/api/health")).body.scheduler_leader === true,
      (LEASE_SECS + 3) * 1000,
      100,
    );
    expect(Date.now() - t0).toBeLessThan((LEASE_SECS + 2) * 1000);
    // the new holder checks the endpoint (interval 10 s at the least; a new holder checks everything at once)
    await waitFor(
      async () => {
        const rows = await other
          .db()
          .execute({ sql: "SELECT count(*) AS n FROM health_checks WHERE instance_id = ?", args: [otherId] });
        return Number(rows.rows[0].n) > 0;
      },
      12_000,
      200,
    );
  }, 30_000);
});
