// The permission matrix: every /api route, /v1/models, /v1/chat/completions and /metrics, called by an
// anonymous client, a viewer session, an admin session and one API key per permission, against a table of
// expected outcomes. Also: every route authenticates (401) and authorises (403) before it reads the body or the id,
// and a session follows its user's role and existence at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { call, login, type Call } from "../harness/http";
import { snapshot } from "../harness/db-snapshot";
import { registerOnline } from "../harness/endpoints";
import {
  apiRouteInventory,
  keyWith,
  PERMISSIONS,
  sessionFor,
  VIEWER_PERMISSIONS,
  type Permission,
  type TestPrincipal,
} from "../harness/principals";
import { deadUrl, startFake, type FakeUpstream } from "../fakes/upstream";

/** `public`: no credential needed; `signed-in`: any principal; else any one of the listed permissions opens it. */
type Access = "public" | "signed-in" | readonly Permission[];
type Surface = "api" | "v1" | "metrics";

interface RouteCase {
  /** `METHOD /route/[param]` as in app/api, or the /v1 and /metrics paths */
  route: string;
  access: Access;
  ok: number;
  surface?: Surface;
  /** the concrete request; `succeed` = this principal is expected to pass, so give it a fresh resource */
  make(p: TestPrincipal, succeed: boolean): Promise<{ path: string; body?: unknown }>;
}

let s: TestServer;
let xllm: FakeUpstream;
let openai: FakeUpstream;
let dead: string;
const ids: Record<string, string> = {};
const principals = new Map<string, TestPrincipal>();
let seq = 0;
const uniq = (p: string) => `${p}-${++seq}-${Date.now().toString(36)}`;

const KEY_LABELS = PERMISSIONS.map((p) => `key ${p}`);
const PRINCIPAL_LABELS = ["anonymous", "viewer session", "admin session", ...KEY_LABELS];

async function debug(method: string, path: string, body?: unknown): Promise<Call> {
  const r = await call(s.url, method, path, { key: "sk_debug", body });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
  return r;
}
const freshEndpoint = async () =>
  (
    await debug("POST", "/api/endpoints", {
      name: uniq("victim"),
      base_url: `${dead}/${uniq("v")}`,
      health_check_interval_secs: 300,
    })
  ).body.id as string;
const freshUser = async () =>
  (await debug("POST", "/api/users", { username: uniq("victim"), password: "victim-pass-1", role: "viewer" })).body
    .id as string;
const freshKey = async () =>
  (await debug("POST", "/api/api-keys", { name: uniq("victim"), permissions: ["logs.read"] })).body.id as string;

const CASES: RouteCase[] = [
  { route: "GET /api/health", access: "public", ok: 200, make: async () => ({ path: "/api/health" }) },
  { route: "GET /api/auth/[...nextauth]", access: "public", ok: 200, make: async () => ({ path: "/api/auth/csrf" }) },
  { route: "GET /api/me", access: "signed-in", ok: 200, make: async () => ({ path: "/api/me" }) },
  {
    route: "PATCH /api/me",
    access: "signed-in",
    ok: 200,
    make: async (p, succeed) => {
      if (!succeed || p.kind !== "session")
        return { path: "/api/me", body: { current_password: "whatever-1", new_password: "whatever-2" } };
      const next = uniq("pw");
      const body = { current_password: p.password, new_password: next };
      p.password = next;
      return { path: "/api/me", body };
    },
  },
  {
    route: "GET /api/endpoints",
    access: ["endpoints.read"],
    ok: 200,
    make: async () => ({ path: "/api/endpoints?status=online&type=xllm&q=x" }),
  },
  {
    route: "POST /api/endpoints",
    access: ["endpoints.manage"],
    ok: 201,
    make: async () => ({
      path: "/api/endpoints",
      body: { name: uniq("new"), base_url: `${dead}/${uniq("n")}`, health_check_interval_secs: 300 },
    }),
  },
  {
    route: "POST /api/endpoints/probe",
    access: ["endpoints.manage"],
    ok: 200,
    make: async () => ({ path: "/api/endpoints/probe", body: { base_url: dead } }),
  },
  {
    route: "GET /api/endpoints/[id]",
    access: ["endpoints.read"],
    ok: 200,
    make: async () => ({ path: `/api/endpoints/${ids.xllm}` }),
  },
  {
    route: "PATCH /api/endpoints/[id]",
    access: ["endpoints.manage"],
    ok: 200,
    make: async () => ({ path: `/api/endpoints/${ids.xllm}`, body: { notes: uniq("note") } }),
  },
  {
    route: "DELETE /api/endpoints/[id]",
    access: ["endpoints.manage"],
    ok: 204,
    make: async (_p, succeed) => ({
      path: `/api/endpoints/${succeed ? await freshEndpoint() : ids.sacrificialEndpoint}`,
    }),
  },
  {
    route: "POST /api/endpoints/[id]/test",
    access: ["endpoints.manage"],
    ok: 200,
    make: async () => ({ path: `/api/endpoints/${ids.xllm}/test` }),
  },
  {
    route: "POST /api/endpoints/[id]/sync",
    access: ["endpoints.manage"],
    ok: 200,
    make: async () => ({ path: `/api/endpoints/${ids.xllm}/sync` }),
  },
  {
    route: "GET /api/endpoints/[id]/models",
    access: ["endpoints.read"],
    ok: 200,
    make: async () => ({ path: `/api/endpoints/${ids.xllm}/models` }),
  },
  {
    route: "GET /api/endpoints/[id]/models/[model]/info",
    access: ["endpoints.read"],
    ok: 200,
    make: async () => ({ path: `/api/endpoints/${ids.xllm}/models/llama-3.2-1b/info` }),
  },
  {
    route: "POST /api/endpoints/[id]/download",
    access: ["endpoints.manage"],
    ok: 202,
    make: async () => ({ path: `/api/endpoints/${ids.xllm}/download`, body: { model: "llama-3.2-1b" } }),
  },
  {
    route: "GET /api/endpoints/[id]/download/progress",
    access: ["endpoints.read"],
    ok: 200,
    make: async () => ({ path: `/api/endpoints/${ids.xllm}/download/progress?model=llama-3.2-1b` }),
  },
  { route: "GET /api/users", access: ["users.manage"], ok: 200, make: async () => ({ path: "/api/users" }) },
  {
    route: "POST /api/users",
    access: ["users.manage"],
    ok: 201,
    make: async () => ({ path: "/api/users", body: { username: uniq("u"), password: "user-pass-1", role: "viewer" } }),
  },
  {
    route: "PATCH /api/users/[id]",
    access: ["users.manage"],
    ok: 200,
    make: async () => ({ path: `/api/users/${ids.targetUser}`, body: { role: "viewer" } }),
  },
  {
    route: "DELETE /api/users/[id]",
    access: ["users.manage"],
    ok: 204,
    make: async (_p, succeed) => ({ path: `/api/users/${succeed ? await freshUser() : ids.targetUser}` }),
  },
  { route: "GET /api/api-keys", access: ["api_keys.manage"], ok: 200, make: async () => ({ path: "/api/api-keys" }) },
  {
    route: "POST /api/api-keys",
    access: ["api_keys.manage"],
    ok: 201,
    // a key may only hand out what it holds (see "no privilege escalation")
    make: async (p) => ({
      path: "/api/api-keys",
      body: { name: uniq("k"), permissions: p.kind === "key" ? [p.permissions![0]] : ["logs.read"] },
    }),
  },
  {
    route: "DELETE /api/api-keys/[id]",
    access: ["api_keys.manage"],
    ok: 204,
    make: async (_p, succeed) => ({ path: `/api/api-keys/${succeed ? await freshKey() : ids.targetKey}` }),
  },
  {
    route: "GET /api/requests",
    access: ["logs.read"],
    ok: 200,
    make: async () => ({ path: "/api/requests?status=2xx&page=1" }),
  },
  {
    route: "GET /api/requests/export",
    access: ["logs.read"],
    ok: 200,
    make: async () => ({ path: "/api/requests/export?status=2xx" }),
  },
  {
    route: "GET /api/stats/overview",
    access: ["metrics.read", "logs.read"],
    ok: 200,
    make: async () => ({ path: "/api/stats/overview" }),
  },
  {
    route: "GET /v1/models",
    surface: "v1",
    access: ["openai.models.read", "openai.inference"],
    ok: 200,
    make: async () => ({ path: "/v1/models" }),
  },
  {
    route: "GET /v1/models/[model]",
    surface: "v1",
    access: ["openai.models.read", "openai.inference"],
    ok: 200,
    make: async () => ({ path: "/v1/models/perm-model" }),
  },
  {
    route: "POST /v1/chat/completions",
    surface: "v1",
    access: ["openai.inference"],
    ok: 200,
    make: async () => ({
      path: "/v1/chat/completions",
      body: { model: "perm-model", messages: [{ role: "user", content: "hi" }] },
    }),
  },
  {
    route: "GET /metrics",
    surface: "metrics",
    access: ["metrics.read"],
    ok: 200,
    make: async () => ({ path: "/metrics" }),
  },
  { route: "GET /api/openapi.json", access: "public", ok: 200, make: async () => ({ path: "/api/openapi.json" }) },
  { route: "GET /api/config/schema", access: "public", ok: 200, make: async () => ({ path: "/api/config/schema" }) },
  {
    route: "GET /api/config/export",
    access: ["endpoints.manage", "users.manage"],
    ok: 200,
    make: async () => ({ path: "/api/config/export" }),
  },
  // an empty document: a dry run that changes nothing
  {
    route: "POST /api/config/import",
    access: ["endpoints.manage", "users.manage"],
    ok: 200,
    make: async () => ({ path: "/api/config/import", body: { version: 1 } }),
  },
  // any other /api path: the JSON 404 of the catch-all, for everyone (it reveals nothing)
  ...["GET", "POST", "PUT", "PATCH", "DELETE"].map(
    (m): RouteCase => ({
      route: `${m} /api/[...path]`,
      access: "public",
      ok: 404,
      make: async () => ({ path: "/api/no/such/route", body: m === "GET" || m === "DELETE" ? undefined : {} }),
    }),
  ),
];

/** Routes deliberately outside the matrix, with the reason. */
const NOT_IN_MATRIX: Record<string, string> = {
  "POST /api/auth/[...nextauth]": "the login itself (public by nature); covered by the login tests in security-secrets",
};

type Outcome = {
  status: number;
  reason: "ok" | "unauthenticated" | "missing-permission" | "not-a-user" | "cannot-grant";
};

/** Routes that hand a viewer's permissions to someone: only a holder of all of them may (least privilege). */
const GRANTS_VIEWER = new Set(["POST /api/users", "PATCH /api/users/[id]"]);

/** Routes that need every listed permission, not any one of them (configuration as code: endpoints and users). */
const NEEDS_ALL = new Set(["GET /api/config/export", "POST /api/config/import"]);

/** Lists any signed-in dashboard user may read (a viewer reads everything). */
const READ_BY_ANY_USER = new Set(["GET /api/users", "GET /api/api-keys"]);

function expected(c: RouteCase, p: TestPrincipal): Outcome {
  if (c.access === "public") return { status: c.ok, reason: "ok" };
  if (p.permissions === null) return { status: 401, reason: "unauthenticated" };
  if (READ_BY_ANY_USER.has(c.route) && p.kind === "session") return { status: c.ok, reason: "ok" };
  if (
    GRANTS_VIEWER.has(c.route) &&
    p.permissions.includes("users.manage") &&
    !VIEWER_PERMISSIONS.every((v) => p.permissions!.includes(v))
  ) {
    return { status: 403, reason: "cannot-grant" };
  }
  if (c.access === "signed-in") {
    // only a signed-in user has a password to change; an API key is refused
    if (c.route === "PATCH /api/me" && p.kind !== "session") return { status: 403, reason: "not-a-user" };
    return { status: c.ok, reason: "ok" };
  }
  const holds = (perm: Permission) => p.permissions!.includes(perm);
  const granted = NEEDS_ALL.has(c.route) ? c.access.every(holds) : c.access.some(holds);
  return granted ? { status: c.ok, reason: "ok" } : { status: 403, reason: "missing-permission" };
}

const method = (c: RouteCase) => c.route.split(" ")[0];

/** Like a browser, a session principal keeps the cookie a response renews (a password change issues a fresh one). */
async function send(
  p: TestPrincipal,
  m: string,
  path: string,
  opts: { body?: unknown; raw?: string } = {},
): Promise<Call> {
  const r = await call(s.url, m, path, { ...opts, key: p.key, cookie: p.cookie });
  const renewed = r.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="));
  if (renewed && p.cookie) p.cookie = renewed.split(";")[0];
  return r;
}

function assertErrorShape(c: RouteCase, r: Call, out: Outcome) {
  const surface = c.surface ?? "api";
  expect(r.headers.get("content-type"), r.text).toContain("application/json");
  if (surface === "v1") {
    expect(Object.keys(r.body.error).sort()).toEqual(["code", "message", "param", "type"]);
    expect(r.body.error.type).toBe(out.status === 401 ? "authentication_error" : "permission_error");
  } else {
    expect(r.body.error.code).toBe(out.status === 401 ? "unauthorized" : "forbidden");
  }
  if (out.reason === "cannot-grant") {
    expect(typeof r.body.error.details?.permission, r.text).toBe("string");
    expect(r.body.error.message, r.text).toContain(r.body.error.details.permission);
  }
  if (out.reason === "missing-permission") {
    const perms = c.access as readonly Permission[];
    // the body names the missing permission (for a route that either of two opens, at least one of them)
    expect(
      perms.some((perm) => String(r.body.error.message).includes(perm)),
      r.text,
    ).toBe(true);
  }
}

beforeAll(async () => {
  [s, xllm, openai, dead] = await Promise.all([
    startServer(),
    startFake({ kind: "xllm", models: ["llama-3.2-1b"] }),
    startFake({ kind: "openai", models: ["perm-model"] }),
    deadUrl(),
  ]);
  ids.xllm = (
    await registerOnline(s.url, { name: "perm-xllm", base_url: xllm.url, health_check_interval_secs: 300 })
  ).id;
  await registerOnline(s.url, { name: "perm-openai", base_url: openai.url, health_check_interval_secs: 300 });
  await debug("POST", `/api/endpoints/${ids.xllm}/download`, { model: "llama-3.2-1b" });
  ids.sacrificialEndpoint = await freshEndpoint();
  ids.targetUser = await freshUser();
  ids.targetKey = await freshKey();

  principals.set("anonymous", { label: "anonymous", permissions: null, kind: "anonymous" });
  principals.set("viewer session", await sessionFor(s.url, "matrix-viewer", "viewer", "viewer-pass-1"));
  // a second admin, so that changing its own password does not disturb the bootstrap admin
  principals.set("admin session", await sessionFor(s.url, "matrix-admin", "admin", "admin-pass-2"));
  for (const perm of PERMISSIONS) {
    principals.set(`key ${perm}`, {
      label: `key ${perm}`,
      permissions: [perm],
      kind: "key",
      key: await keyWith(s.url, perm),
    });
  }
}, 60_000);

afterAll(async () => {
  if (process.env.H4_DUMP)
    console.log(
      s
        ?.output()
        .split("\n")
        .filter((l) => /error|warn/i.test(l))
        .join("\n"),
    );
  await s?.stop();
  await Promise.all([xllm?.stop(), openai?.stop()]);
});

describe("the route inventory", () => {
  it("the matrix covers every exported handler under app/api", () => {
    const covered = new Set([...CASES.map((c) => c.route), ...Object.keys(NOT_IN_MATRIX)]);
    const missing = apiRouteInventory().filter((r) => !covered.has(r));
    expect(missing, "add these routes to the permission matrix").toEqual([]);
  });
});

describe.each(PRINCIPAL_LABELS)("as %s", (label) => {
  it("every route answers as the matrix says", async () => {
    const p = principals.get(label)!;
    const failures: string[] = [];
    for (const c of CASES) {
      const out = expected(c, p);
      const { path, body } = await c.make(p, out.reason === "ok");
      const r = await send(p, method(c), path, { body });
      if (r.status !== out.status) {
        failures.push(
          `${c.route} (${path}): expected ${out.status} (${out.reason}), got ${r.status} ${r.text.slice(0, 200)}`,
        );
        continue;
      }
      if (out.reason !== "ok") assertErrorShape(c, r, out);
    }
    expect(failures).toEqual([]);
  });
});

describe("authentication and authorisation come before anything else", () => {
  const BAD_ID = "..%2f..%2fetc%2fpasswd";
  const guarded = () => CASES.filter((c) => c.access !== "public");
  const badPath = (c: RouteCase) => {
    const [, route] = c.route.split(" ");
    return route.replace("[...nextauth]", "x").replace("[id]", BAD_ID).replace("[model]", BAD_ID);
  };

  it("no credential + a malformed body and a bogus id → 401 on every guarded route, nothing written", async () => {
    const before = await snapshot(s.db());
    const anon = principals.get("anonymous")!;
    for (const c of guarded()) {
      const m = method(c);
      const raw = m === "GET" || m === "DELETE" ? undefined : "{not json";
      const r = await send(anon, m, badPath(c), { raw });
      expect(r.status, `${c.route} ${r.text.slice(0, 300)}`).toBe(401);
      assertErrorShape(c, r, { status: 401, reason: "unauthenticated" });
    }
    expect(await snapshot(s.db())).toBe(before);
  });

  it("a bad credential + a malformed body → 401 as well (Bearer, X-API-Key, garbage Authorization)", async () => {
    const before = await snapshot(s.db());
    const headersList: Record<string, string>[] = [
      { authorization: "Bearer sk_not_a_real_key_0000000000000000000" },
      { "x-api-key": "sk_nope" },
      { authorization: "Basic YWRtaW46YWRtaW4tcGFzc3dvcmQtMQ==" },
      { authorization: "Bearer " },
      { cookie: "next-auth.session-token=eyJhbGciOiJub25lIn0.eyJ1aWQiOiJ4In0." },
    ];
    for (const c of guarded()) {
      for (const headers of headersList) {
        const m = method(c);
        const r = await call(s.url, m, badPath(c), {
          headers: { ...headers, origin: s.url },
          raw: m === "GET" || m === "DELETE" ? undefined : "{not json",
        });
        expect(r.status, `${c.route} ${JSON.stringify(headers)} ${r.text.slice(0, 300)}`).toBe(401);
      }
    }
    expect(await snapshot(s.db())).toBe(before);
  });

  it("a session cookie that is not even valid percent-encoding → 401 everywhere, promptly (no 500, no hang)", async () => {
    const failures: string[] = [];
    for (const c of guarded()) {
      const m = method(c);
      const [, route] = c.route.split(" ");
      const path = route.replace("[id]", ids.xllm).replace("[model]", "llama-3.2-1b");
      try {
        const r = await fetch(s.url + path, {
          method: m,
          headers: { cookie: "next-auth.session-token=%E0%A4%A", origin: s.url, "content-type": "application/json" },
          body: m === "GET" || m === "DELETE" ? undefined : "{}",
          signal: AbortSignal.timeout(3000),
        });
        const text = await r.text();
        if (r.status !== 401) failures.push(`${c.route}: ${r.status} ${text.slice(0, 120)}`);
      } catch (err) {
        failures.push(`${c.route}: ${String(err)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("a key without the permission + a malformed body and a bogus id → 403 naming the permission, not 400/404", async () => {
    const before = await snapshot(s.db());
    // openai.models.read opens no /api route except /api/me
    const p = principals.get("key openai.models.read")!;
    for (const c of guarded()) {
      const out = expected(c, p);
      if (out.reason !== "missing-permission") continue;
      const m = method(c);
      const r = await send(p, m, badPath(c), { raw: m === "GET" || m === "DELETE" ? undefined : "{not json" });
      expect(r.status, `${c.route} ${r.text.slice(0, 300)}`).toBe(403);
      assertErrorShape(c, r, out);
    }
    expect(await snapshot(s.db())).toBe(before);
  });
});

describe("no privilege escalation", () => {
  async function keyOf(permissions: Permission[]): Promise<TestPrincipal> {
    const r = await call(s.url, "POST", "/api/api-keys", { key: "sk_debug", body: { name: uniq("esc"), permissions } });
    expect(r.status).toBe(201);
    return { label: permissions.join("+"), permissions, kind: "key", key: r.body.key };
  }

  it("an api_keys.manage key cannot mint a key with a permission it lacks; it can mint one with its own", async () => {
    const before = await snapshot(s.db());
    const p = await keyOf(["api_keys.manage", "logs.read"]);
    const mid = await snapshot(s.db());
    for (const wanted of [["users.manage"], ["logs.read", "endpoints.manage"], [...PERMISSIONS]]) {
      const r = await send(p, "POST", "/api/api-keys", { body: { name: "escalate", permissions: wanted } });
      expect(r.status, JSON.stringify(wanted)).toBe(403);
      expect(r.body.error.code).toBe("forbidden");
      expect(wanted).toContain(r.body.error.details.permission);
      expect(r.body.error.message).toContain(r.body.error.details.permission);
    }
    expect(await snapshot(s.db())).toBe(mid);
    expect(mid).not.toBe(before);
    const ok = await send(p, "POST", "/api/api-keys", { body: { name: "same-or-less", permissions: ["logs.read"] } });
    expect(ok.status).toBe(201);
  });

  it("a users.manage key cannot create or promote an admin, nor take over an admin by resetting its password", async () => {
    const p = await keyOf(["users.manage"]);
    const admins = (await debug("GET", "/api/users")).body.users.filter((u: { role: string }) => u.role === "admin");
    const viewer = (
      await debug("POST", "/api/users", { username: uniq("esc-viewer"), password: "esc-viewer-1", role: "viewer" })
    ).body.id;
    const before = await snapshot(s.db());
    const attempts: Array<[string, string, unknown]> = [
      ["POST", "/api/users", { username: uniq("esc-admin"), password: "esc-admin-1", role: "admin" }],
      ["PATCH", `/api/users/${viewer}`, { role: "admin" }],
      ["PATCH", `/api/users/${admins[0].id}`, { password: "taken-over-1" }],
    ];
    for (const [m, path, body] of attempts) {
      const r = await send(p, m, path, { body });
      expect(r.status, `${m} ${path} ${r.text}`).toBe(403);
      expect(r.body.error.details.permission).toEqual(expect.any(String));
    }
    expect(await snapshot(s.db())).toBe(before);
    // an admin (all permissions) still can
    const admin = principals.get("admin session")!;
    expect((await send(admin, "PATCH", `/api/users/${viewer}`, { body: { role: "admin" } })).status).toBe(200);
    expect((await send(admin, "PATCH", `/api/users/${viewer}`, { body: { role: "viewer" } })).status).toBe(200);
  });
});

describe("audit", () => {
  it("every successful mutation writes an audit row naming the actor (user session and API key)", async () => {
    const mutations = CASES.filter(
      // the probe and the import's dry run (the matrix's case) write nothing; an applied import's audit row: config.test.ts
      (c) =>
        method(c) !== "GET" &&
        !c.surface &&
        c.access !== "public" &&
        c.route !== "POST /api/endpoints/probe" &&
        c.route !== "POST /api/config/import",
    );
    expect(mutations.length).toBeGreaterThanOrEqual(12);
    const admin = principals.get("admin session")!;
    const adminId = (await send(admin, "GET", "/api/me")).body.id;
    const key = await call(s.url, "POST", "/api/api-keys", {
      key: "sk_debug",
      body: { name: "auditor", permissions: [...PERMISSIONS] },
    });
    const keyPrincipal: TestPrincipal = {
      label: "all-permission key",
      permissions: PERMISSIONS,
      kind: "key",
      key: key.body.key,
    };
    const db = s.db();
    for (const [p, actorType, actorId] of [
      [admin, "user", adminId],
      [keyPrincipal, "api_key", key.body.id],
    ] as const) {
      for (const c of mutations) {
        if (c.route === "PATCH /api/me" && p.kind !== "session") continue;
        const { path, body } = await c.make(p, true);
        const [{ n: before }] = (await db.execute("SELECT max(id) AS n FROM audit_log")).rows;
        const r = await send(p, method(c), path, { body });
        expect(r.status, `${c.route} ${r.text.slice(0, 200)}`).toBe(c.ok);
        const rows = (
          await db.execute({
            sql: "SELECT actor_type, actor_id, action FROM audit_log WHERE id > ?",
            args: [Number(before ?? 0)],
          })
        ).rows;
        const mine = rows.filter((row) => row.actor_id === actorId);
        expect(mine.length, `${c.route} by ${p.label}: ${JSON.stringify(rows)}`).toBeGreaterThanOrEqual(1);
        expect(mine[0].actor_type).toBe(actorType);
      }
    }
  });
});

describe("a session follows its user", () => {
  it("a demoted admin loses manage rights at once, on /api and /v1; a deleted user's cookie is worthless", async () => {
    const p = await sessionFor(s.url, "short-lived-admin", "admin", "short-pass-1");
    const manage = () =>
      send(p, "POST", "/api/api-keys", { body: { name: uniq("demoted"), permissions: ["logs.read"] } });
    expect((await manage()).status).toBe(201);
    const list = await debug("GET", "/api/users");
    const id = list.body.users.find((u: { username: string }) => u.username === "short-lived-admin").id;
    await debug("PATCH", `/api/users/${id}`, { role: "viewer" });
    const denied = await manage();
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain("api_keys.manage");
    expect((await send(p, "GET", "/api/endpoints")).status).toBe(200);
    expect((await send(p, "GET", "/v1/models")).status).toBe(200);

    await debug("DELETE", `/api/users/${id}`);
    expect((await send(p, "GET", "/api/me")).status).toBe(401);
    expect((await send(p, "GET", "/api/endpoints")).status).toBe(401);
    // /v1 drops its cached principal on the credentials change within a second
    let v1 = 0;
    for (let i = 0; i < 20 && v1 !== 401; i++) {
      v1 = (await send(p, "GET", "/v1/models")).status;
      if (v1 !== 401) await new Promise((r) => setTimeout(r, 100));
    }
    expect(v1).toBe(401);
  });

  it("a user who must change their password may only read and change /api/me", async () => {
    const p = await sessionFor(s.url, "must-change", "admin", "must-change-1");
    const id = (await debug("GET", "/api/users")).body.users.find(
      (u: { username: string }) => u.username === "must-change",
    ).id;
    // a reset by another admin forces a change (and ends the sessions from before it: lib/auth/session-principal.ts)
    await debug("PATCH", `/api/users/${id}`, { password: "must-change-2" });
    expect((await send(p, "GET", "/api/me")).status).toBe(401);
    p.cookie = (await login(s.url, "must-change", "must-change-2")).cookie!;
    for (const [m, path] of [
      ["GET", "/api/endpoints"],
      ["GET", "/api/users"],
      ["POST", "/api/api-keys"],
    ] as const) {
      const r = await send(p, m, path, { body: m === "POST" ? { name: "x", permissions: ["logs.read"] } : undefined });
      expect(r.status, `${m} ${path}`).toBe(403);
      expect(r.body.error.details?.permission).toBe("password_change_required");
    }
    expect((await send(p, "GET", "/api/me")).status).toBe(200);
  });
});
