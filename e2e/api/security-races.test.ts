// Concurrency attacks on the registry and the user store: simultaneous creates with the same unique value, the
// last-admin rule under concurrent demotion/deletion, and a burst of mixed writes. Never a 5xx, never an
// invariant broken, every acknowledged write present.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { call, type Call } from "../harness/http";
import { deadUrl } from "../fakes/upstream";

const KEY = "sk_debug";
let s: TestServer;
let dead: string;

beforeAll(async () => {
  [s, dead] = await Promise.all([startServer(), deadUrl()]);
});
afterAll(async () => {
  await s?.stop();
});

const all = <T>(n: number, f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => f(i)));
const statuses = (rs: Call[]) => rs.map((r) => r.status).sort();

describe("same unique value, at the same time", () => {
  it("8 users with one username: one 201, the rest 409, no 500", async () => {
    const rs = await all(8, () =>
      call(s.url, "POST", "/api/users", {
        key: KEY,
        body: { username: "twin", password: "twin-pass-1", role: "viewer" },
      }),
    );
    expect(statuses(rs)).toEqual([201, ...Array(7).fill(409)]);
    for (const r of rs.filter((x) => x.status === 409)) expect(r.body.error.code).toBe("conflict");
    const rows = await s.db().execute("SELECT count(*) AS n FROM users WHERE username = 'twin'");
    expect(Number(rows.rows[0].n)).toBe(1);
  });

  it("8 endpoints with one name (and 8 with one URL): one 201 each, the rest 409", async () => {
    const byName = await all(8, (i) =>
      call(s.url, "POST", "/api/endpoints", { key: KEY, body: { name: "same-name", base_url: `${dead}/n${i}` } }),
    );
    expect(statuses(byName)).toEqual([201, ...Array(7).fill(409)]);
    const byUrl = await all(8, (i) =>
      call(s.url, "POST", "/api/endpoints", { key: KEY, body: { name: `same-url-${i}`, base_url: `${dead}/same` } }),
    );
    expect(statuses(byUrl)).toEqual([201, ...Array(7).fill(409)]);
  });

  it("renaming two endpoints to one name at once: one 200, one 409", async () => {
    const a = await call(s.url, "POST", "/api/endpoints", {
      key: KEY,
      body: { name: "rename-a", base_url: `${dead}/ra` },
    });
    const b = await call(s.url, "POST", "/api/endpoints", {
      key: KEY,
      body: { name: "rename-b", base_url: `${dead}/rb` },
    });
    const rs = await Promise.all(
      [a, b].map((x) =>
        call(s.url, "PATCH", `/api/endpoints/${x.body.id}`, { key: KEY, body: { name: "rename-target" } }),
      ),
    );
    expect(statuses(rs)).toEqual([200, 409]);
  });
});

describe("the last admin", () => {
  it("two admins demoting each other at once leave one admin", async () => {
    const users = (await call(s.url, "GET", "/api/users", { key: KEY })).body.users as Array<{
      id: string;
      username: string;
      role: string;
    }>;
    const first = users.find((u) => u.role === "admin")!;
    const second = await call(s.url, "POST", "/api/users", {
      key: KEY,
      body: { username: "second-admin", password: "second-pass-1", role: "admin" },
    });
    expect(second.status).toBe(201);
    for (let round = 0; round < 5; round++) {
      const ids = [first.id, second.body.id];
      const rs = await Promise.all(
        ids.map((id) => call(s.url, "PATCH", `/api/users/${id}`, { key: KEY, body: { role: "viewer" } })),
      );
      expect(statuses(rs), `round ${round}`).toEqual([200, 409]);
      const admins = await s.db().execute("SELECT count(*) AS n FROM users WHERE role = 'admin'");
      expect(Number(admins.rows[0].n), `round ${round}`).toBe(1);
      // promote back for the next round
      const demoted = rs[0].status === 200 ? ids[0] : ids[1];
      expect((await call(s.url, "PATCH", `/api/users/${demoted}`, { key: KEY, body: { role: "admin" } })).status).toBe(
        200,
      );
    }
  });

  it("deleting two admins at once leaves one", async () => {
    const a = await call(s.url, "POST", "/api/users", {
      key: KEY,
      body: { username: "del-a", password: "del-pass-1", role: "admin" },
    });
    const b = await call(s.url, "POST", "/api/users", {
      key: KEY,
      body: { username: "del-b", password: "del-pass-1", role: "admin" },
    });
    // demote everyone else so that a and b are the only admins
    const others = (
      (await call(s.url, "GET", "/api/users", { key: KEY })).body.users as Array<{ id: string; role: string }>
    ).filter((u) => u.role === "admin" && u.id !== a.body.id && u.id !== b.body.id);
    for (const u of others)
      expect((await call(s.url, "PATCH", `/api/users/${u.id}`, { key: KEY, body: { role: "viewer" } })).status).toBe(
        200,
      );
    const rs = await Promise.all([a, b].map((x) => call(s.url, "DELETE", `/api/users/${x.body.id}`, { key: KEY })));
    expect(statuses(rs)).toEqual([204, 409]);
    const admins = await s.db().execute("SELECT count(*) AS n FROM users WHERE role = 'admin'");
    expect(Number(admins.rows[0].n)).toBe(1);
    for (const u of others) await call(s.url, "PATCH", `/api/users/${u.id}`, { key: KEY, body: { role: "admin" } });
  });
});

describe("a burst of mixed writes", () => {
  it("40 concurrent creates/updates/revocations: no 5xx and every acknowledged write is there", async () => {
    const keys = await all(6, (i) =>
      call(s.url, "POST", "/api/api-keys", { key: KEY, body: { name: `burst-${i}`, permissions: ["logs.read"] } }),
    );
    const ep = await call(s.url, "POST", "/api/endpoints", {
      key: KEY,
      body: { name: "burst-target", base_url: `${dead}/burst` },
    });
    const ops: Array<() => Promise<Call>> = [];
    for (let i = 0; i < 12; i++)
      ops.push(() =>
        call(s.url, "POST", "/api/endpoints", { key: KEY, body: { name: `burst-ep-${i}`, base_url: `${dead}/b${i}` } }),
      );
    for (let i = 0; i < 10; i++)
      ops.push(() => call(s.url, "PATCH", `/api/endpoints/${ep.body.id}`, { key: KEY, body: { notes: `n${i}` } }));
    for (let i = 0; i < 6; i++) ops.push(() => call(s.url, "DELETE", `/api/api-keys/${keys[i].body.id}`, { key: KEY }));
    for (let i = 0; i < 6; i++)
      ops.push(() =>
        call(s.url, "POST", "/api/users", {
          key: KEY,
          body: { username: `burst-u${i}`, password: "burst-pass-1", role: "viewer" },
        }),
      );
    for (let i = 0; i < 6; i++)
      ops.push(() =>
        call(s.url, "POST", "/api/api-keys", {
          key: KEY,
          body: { name: `burst-new-${i}`, permissions: ["metrics.read"] },
        }),
      );
    const rs = await Promise.all(ops.map((op) => op()));
    const bad = rs.filter((r) => r.status >= 300).map((r) => `${r.status} ${r.text.slice(0, 200)}`);
    expect(bad).toEqual([]);
    const db = s.db();
    expect(
      Number((await db.execute("SELECT count(*) AS n FROM endpoints WHERE name LIKE 'burst-ep-%'")).rows[0].n),
    ).toBe(12);
    expect(
      Number(
        (await db.execute("SELECT count(*) AS n FROM api_keys WHERE name LIKE 'burst-%' AND revoked_at IS NOT NULL"))
          .rows[0].n,
      ),
    ).toBe(6);
    expect(Number((await db.execute("SELECT count(*) AS n FROM users WHERE username LIKE 'burst-u%'")).rows[0].n)).toBe(
      6,
    );
    for (const k of keys) expect((await call(s.url, "GET", "/api/me", { key: k.body.key })).status).toBe(401);
  });
});

describe("oversized bodies", () => {
  const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${s.proc.pid}/status`, "utf8"))![1]) / 1024;

  /** POSTs `mb` MiB as a chunked stream (no Content-Length), so the server must stop reading by itself. */
  async function stream(path: string, mb: number): Promise<{ status: number | null; error: string | null }> {
    const chunk = new TextEncoder().encode(`{"name":"${"x".repeat(1024 * 1024 - 10)}`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ >= mb) controller.close();
        else controller.enqueue(chunk);
      },
    });
    try {
      const r = await fetch(s.url + path, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body,
        duplex: "half",
      } as RequestInit);
      await r.text();
      return { status: r.status, error: null };
    } catch (err) {
      return { status: null, error: String(err) };
    }
  }

  it("a 300 MiB /api body is refused after 1 MiB, without being buffered; a declared one at once", async () => {
    const before = rssMb();
    const t0 = Date.now();
    const r = await stream("/api/endpoints", 300);
    // either the 400 arrives, or the server stops reading and the upload is cut: never a buffered 300 MiB
    if (r.status !== null) expect(r.status).toBe(400);
    expect(rssMb() - before, "server memory grew by the body size").toBeLessThan(150);
    expect(Date.now() - t0).toBeLessThan(20_000);
    const declared = await call(s.url, "POST", "/api/users", {
      key: KEY,
      headers: { "content-length": String(5 * 1024 * 1024) },
      raw: "x".repeat(5 * 1024 * 1024),
    });
    expect(declared.status).toBe(400);
    expect(declared.body.error.details[0].field).toBe("body");
    expect((await call(s.url, "GET", "/api/health")).status).toBe(200);
  }, 30_000);
});
