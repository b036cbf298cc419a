import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, runServerExpectingFailure, startServer, type TestServer } from "../harness/server";
import { call, login } from "../harness/http";
import { snapshot } from "../harness/db-snapshot";

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s?.stop();
});

describe("start-up and health", () => {
  it("answers /api/health without auth", async () => {
    const r = await call(s.url, "GET", "/api/health");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "ok", db: "ok", version: expect.any(String), uptime_s: expect.any(Number) });
  });

  it("refuses to start with a bad configuration, naming the variable", async () => {
    const r = await runServerExpectingFailure({ LLMLB_PORT: "abc" });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("LLMLB_PORT");
    const r2 = await runServerExpectingFailure({ LLMLB_HEALTH_CHECK_INTERVAL: "5" });
    expect(r2.code).not.toBe(0);
    expect(r2.output).toContain("LLMLB_HEALTH_CHECK_INTERVAL");
  });

  it("a /api body refused before it is read (past 1 MiB) does not stall the keep-alive connection", async () => {
    // /api is answered by Next in the control thread, behind the main thread; the unread rest must be discarded
    const { Pool } = await import("undici");
    const pool = new Pool(s.url, { connections: 1 });
    try {
      const big = JSON.stringify({ name: "big", base_url: "http://127.0.0.1:1", notes: "x".repeat(3 * 1024 * 1024) });
      for (const body of [big, big, JSON.stringify({ name: "" })]) {
        const t0 = Date.now();
        const r = await pool.request({
          path: "/api/endpoints",
          method: "POST",
          headers: { authorization: "Bearer sk_debug", "content-type": "application/json" },
          body,
          headersTimeout: 5000,
          bodyTimeout: 5000,
        });
        const text = await r.body.text();
        expect(r.statusCode, text).toBe(400);
        if (body === big) expect(text).toContain("larger than 1 MiB");
        expect(Date.now() - t0).toBeLessThan(3000);
      }
    } finally {
      await pool.close();
    }
  });

  it("sends security headers on pages", async () => {
    const r = await fetch(`${s.url}/login`);
    expect(r.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("referrer-policy")).toBeTruthy();
  });
});

describe("API keys", () => {
  it("create → works with its permissions, 403 naming the missing one elsewhere; revoke → 401 within 1 s", async () => {
    const created = await call(s.url, "POST", "/api/api-keys", {
      key: "sk_debug",
      body: { name: "reader", permissions: ["endpoints.read"] },
    });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^sk_[0-9A-Za-z]{32,}$/);

    const me = await call(s.url, "GET", "/api/me", { key });
    expect(me.status).toBe(200);
    expect(me.body.permissions).toEqual(["endpoints.read"]);
    const viaHeader = await call(s.url, "GET", "/api/me", { headers: { "x-api-key": key } });
    expect(viaHeader.status).toBe(200);

    const denied = await call(s.url, "GET", "/api/users", { key });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("forbidden");
    expect(denied.body.error.message).toContain("users.manage");

    const list = await call(s.url, "GET", "/api/api-keys", { key: "sk_debug" });
    expect(list.text).not.toContain(key);
    expect(list.body.api_keys.find((k: { id: string }) => k.id === created.body.id).prefix).toBe(key.slice(0, 10));

    const stored = await s.db().execute("SELECT * FROM api_keys");
    expect(JSON.stringify(stored.rows)).not.toContain(key);

    const revoked = await call(s.url, "DELETE", `/api/api-keys/${created.body.id}`, { key: "sk_debug" });
    expect(revoked.status).toBe(204);
    const t0 = Date.now();
    let status = 0;
    while (Date.now() - t0 < 1000) {
      status = (await call(s.url, "GET", "/api/me", { key })).status;
      if (status === 401) break;
    }
    expect(status).toBe(401);
  });

  it("an expired key is refused", async () => {
    const expires = new Date(Date.now() + 1500).toISOString();
    const created = await call(s.url, "POST", "/api/api-keys", {
      key: "sk_debug",
      body: { name: "short", permissions: ["logs.read"], expires_at: expires },
    });
    expect(created.status).toBe(201);
    expect((await call(s.url, "GET", "/api/me", { key: created.body.key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1700));
    const r = await call(s.url, "GET", "/api/me", { key: created.body.key });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("unauthorized");
  });

  it("an unknown key and no credentials are 401", async () => {
    expect((await call(s.url, "GET", "/api/me", { key: "sk_nope" })).status).toBe(401);
    expect((await call(s.url, "GET", "/api/api-keys")).status).toBe(401);
  });

  it("sk_debug works only with LLMLB_DEBUG_KEYS=1", async () => {
    const other = await startServer({ env: { LLMLB_DEBUG_KEYS: "0" } });
    try {
      const r = await call(other.url, "GET", "/api/me", { key: "sk_debug" });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe("unauthorized");
    } finally {
      await other.stop();
    }
    expect((await call(s.url, "GET", "/api/me", { key: "sk_debug" })).status).toBe(200);
  });
});

describe("users and sessions", () => {
  it("a viewer session reads but gets 403 on every mutation", async () => {
    const created = await call(s.url, "POST", "/api/users", {
      key: "sk_debug",
      body: { username: "vera", password: "viewer-pass-1", role: "viewer" },
    });
    expect(created.status).toBe(201);
    const { cookie } = await login(s.url, "vera", "viewer-pass-1");
    expect(cookie).toBeTruthy();
    const me = await call(s.url, "GET", "/api/me", { cookie: cookie! });
    expect(me.body).toMatchObject({ name: "vera", role: "viewer" });
    const mutations: Array<[string, string, unknown]> = [
      ["POST", "/api/users", { username: "x", password: "xxxxxxxx1", role: "admin" }],
      ["PATCH", `/api/users/${created.body.id}`, { role: "admin" }],
      ["DELETE", `/api/users/${created.body.id}`, undefined],
      ["POST", "/api/api-keys", { name: "k", permissions: ["logs.read"] }],
      ["DELETE", "/api/api-keys/00000000-0000-4000-8000-000000000000", undefined],
    ];
    const before = await snapshot(s.db());
    for (const [method, path, body] of mutations) {
      const r = await call(s.url, method, path, { cookie: cookie!, body });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.error.code).toBe("forbidden");
    }
    expect(await snapshot(s.db())).toBe(before);
  });

  it("refuses cookie-authenticated mutations from another origin", async () => {
    const { cookie } = await login(s.url, ADMIN.username, ADMIN.password);
    const r = await call(s.url, "POST", "/api/users", {
      cookie: cookie!,
      headers: { origin: "http://evil.example" },
      body: { username: "mallory", password: "mallory-pass", role: "admin" },
    });
    expect(r.status).toBe(403);
    const ok = await call(s.url, "POST", "/api/users", {
      cookie: cookie!,
      body: { username: "olga", password: "olga-pass-1", role: "viewer" },
    });
    expect(ok.status).toBe(201);
  });

  it("never deletes or demotes the last admin", async () => {
    const users = await call(s.url, "GET", "/api/users", { key: "sk_debug" });
    const admin = users.body.users.find((u: { username: string }) => u.username === ADMIN.username);
    expect((await call(s.url, "DELETE", `/api/users/${admin.id}`, { key: "sk_debug" })).status).toBe(409);
    expect(
      (await call(s.url, "PATCH", `/api/users/${admin.id}`, { key: "sk_debug", body: { role: "viewer" } })).status,
    ).toBe(409);
  });

  it("rate-limits login: the 6th wrong password in a minute gets 429", async () => {
    await call(s.url, "POST", "/api/users", {
      key: "sk_debug",
      body: { username: "rate", password: "rate-pass-1", role: "viewer" },
    });
    for (let i = 0; i < 5; i++) expect((await login(s.url, "rate", "wrong")).cookie).toBeNull();
    const sixth = await login(s.url, "rate", "rate-pass-1");
    expect(sixth.status).toBe(429);
    expect(sixth.cookie).toBeNull();
  });

  it("changes my own password and admin resets force a change", async () => {
    const u = await call(s.url, "POST", "/api/users", {
      key: "sk_debug",
      body: { username: "pat", password: "pat-pass-1", role: "viewer" },
    });
    const reset = await call(s.url, "PATCH", `/api/users/${u.body.id}`, {
      key: "sk_debug",
      body: { password: "pat-pass-2" },
    });
    expect(reset.body.must_change_password).toBe(true);
    const { cookie } = await login(s.url, "pat", "pat-pass-2");
    expect((await call(s.url, "GET", "/api/endpoints", { cookie: cookie! })).status).toBe(403);
    const wrong = await call(s.url, "PATCH", "/api/me", {
      cookie: cookie!,
      body: { current_password: "nope", new_password: "pat-pass-3" },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details[0].field).toBe("current_password");
    const ok = await call(s.url, "PATCH", "/api/me", {
      cookie: cookie!,
      body: { current_password: "pat-pass-2", new_password: "pat-pass-3" },
    });
    expect(ok.status).toBe(200);
    expect((await login(s.url, "pat", "pat-pass-3")).cookie).toBeTruthy();
  });
});

describe("bad input on every foundation route", () => {
  const cases: Array<[string, string, string, string]> = [
    ["POST", "/api/users", "{bad", "body"],
    ["POST", "/api/users", JSON.stringify({ username: "u1", password: 12345678, role: "viewer" }), "password"],
    ["POST", "/api/users", JSON.stringify({ username: "u1", password: "longenough", role: "root" }), "role"],
    ["PATCH", "/api/users/ID", JSON.stringify({ role: 7 }), "role"],
    ["PATCH", "/api/users/ID", "[1,2", "body"],
    ["POST", "/api/api-keys", "nope", "body"],
    ["POST", "/api/api-keys", JSON.stringify({ name: "k", permissions: ["everything"] }), "permissions.0"],
    [
      "POST",
      "/api/api-keys",
      JSON.stringify({ name: "k", permissions: ["logs.read"], expires_at: "tomorrow" }),
      "expires_at",
    ],
    ["POST", "/api/api-keys", JSON.stringify({ name: ["k"], permissions: ["logs.read"] }), "name"],
    ["PATCH", "/api/me", JSON.stringify({ current_password: 1, new_password: "abcdefgh" }), "current_password"],
  ];
  it("answers 400 validation_error naming the field, and changes nothing", async () => {
    const users = await call(s.url, "GET", "/api/users", { key: "sk_debug" });
    const someId = users.body.users[0].id;
    const { cookie } = await login(s.url, ADMIN.username, ADMIN.password);
    const before = await snapshot(s.db());
    for (const [method, path, raw, field] of cases) {
      const r = await call(s.url, method, path.replace("ID", someId), {
        raw,
        ...(path === "/api/me" ? { cookie: cookie! } : { key: "sk_debug" }),
      });
      expect(r.status, `${method} ${path} ${raw}`).toBe(400);
      expect(r.body.error.code).toBe("validation_error");
      expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect(await snapshot(s.db())).toBe(before);
  });
});
