// Red-team findings on authentication.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { call, login } from "../harness/http";

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s?.stop();
});

async function createUser(username: string, password: string, role: "admin" | "viewer" = "viewer"): Promise<string> {
  const r = await call(s.url, "POST", "/api/users", { key: "sk_debug", body: { username, password, role } });
  expect(r.status, r.text).toBe(201);
  return r.body.id;
}

/**
 * A credentials callback whose body is built field by field, so a field may appear twice. `CSRF` stands for the
 * token of a fresh /api/auth/csrf. JSON bodies are written as given (duplicate keys included).
 */
const CSRF = "\0csrf";
async function rawLogin(fields: Array<[string, string]>, type: "form" | "json" = "form") {
  const csrfRes = await fetch(`${s.url}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const cookie = csrfRes.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const pairs = [
    ...fields.map(([k, v]): [string, string] => [k, v === CSRF ? csrfToken : v]),
    ["json", "true"] as [string, string],
  ];
  const body =
    type === "form"
      ? new URLSearchParams(pairs).toString()
      : `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`;
  const res = await fetch(`${s.url}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": type === "form" ? "application/x-www-form-urlencoded" : "application/json", cookie },
    body,
    redirect: "manual",
  });
  await res.text();
  const session = res.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="));
  return { status: res.status, cookie: session ? session.split(";")[0] : null };
}

describe("login: repeated credential fields and the rate limiter", () => {
  it("a callback repeating username, password or csrfToken is refused without signing in", async () => {
    await createUser("twice", "twice-pass-1");
    const variants: Array<Array<[string, string]>> = [
      [
        ["csrfToken", CSRF],
        ["username", "decoy"],
        ["username", "twice"],
        ["password", "twice-pass-1"],
      ],
      [
        ["csrfToken", CSRF],
        ["username", "twice"],
        ["username", "twice"],
        ["password", "twice-pass-1"],
      ],
      [
        ["csrfToken", CSRF],
        ["username", "twice"],
        ["password", "wrong"],
        ["password", "twice-pass-1"],
      ],
      [
        ["csrfToken", "forged"],
        ["csrfToken", CSRF],
        ["username", "twice"],
        ["password", "twice-pass-1"],
      ],
    ];
    for (const [fields, type] of [
      ...variants.map((v) => [v, "form"] as const),
      ...variants.map((v) => [v, "json"] as const),
    ]) {
      const r = await rawLogin(fields, type);
      const label = `${type}: ${fields.map(([k, v]) => `${k}=${v === CSRF ? "<csrf>" : v}`).join("&")}`;
      expect(r.cookie, label).toBeNull();
      expect(r.status, label).toBe(400);
    }
    // the same credentials, each once, still sign in
    for (const type of ["form", "json"] as const)
      expect(
        (
          await rawLogin(
            [
              ["csrfToken", CSRF],
              ["username", "twice"],
              ["password", "twice-pass-1"],
            ],
            type,
          )
        ).cookie,
        type,
      ).toBeTruthy();
  });

  it("decoy usernames do not keep the real one under the limit: its 6th attempt in a minute is 429", async () => {
    await createUser("victim", "victim-pass-1");
    // the red-team attack: a decoy first (what the limiter used to read), the real name last (what signed in)
    const decoyed = (password: string): Array<[string, string]> => [
      ["csrfToken", CSRF],
      ["username", "decoy"],
      ["username", "victim"],
      ["password", password],
    ];
    for (let i = 0; i < 8; i++) {
      const r = await rawLogin(decoyed(`guess-${i}`));
      expect(r.cookie, `decoyed attempt ${i + 1}`).toBeNull();
      expect(r.status, `decoyed attempt ${i + 1}`).not.toBe(200);
    }
    expect((await rawLogin(decoyed("victim-pass-1"))).cookie, "decoyed right password").toBeNull();
    // refused requests attempted no sign-in, so they did not count; five real failures do
    for (let i = 0; i < 5; i++) {
      const r = await rawLogin([
        ["csrfToken", CSRF],
        ["username", "victim"],
        ["password", `plain-guess-${i}`],
      ]);
      expect(r.status, `plain attempt ${i + 1}`).toBe(401);
    }
    // 5 failures for "victim" in this minute: the right password is refused, however the username is dressed up
    const attempts: Array<[string, Array<[string, string]>, "form" | "json"]> = [
      [
        "plain",
        [
          ["csrfToken", CSRF],
          ["username", "victim"],
          ["password", "victim-pass-1"],
        ],
        "form",
      ],
      [
        "decoy first",
        [
          ["csrfToken", CSRF],
          ["username", "decoy"],
          ["username", "victim"],
          ["password", "victim-pass-1"],
        ],
        "form",
      ],
      [
        "decoy last",
        [
          ["csrfToken", CSRF],
          ["username", "victim"],
          ["username", "decoy"],
          ["password", "victim-pass-1"],
        ],
        "form",
      ],
      [
        "json duplicate key",
        [
          ["csrfToken", CSRF],
          ["username", "decoy"],
          ["username", "victim"],
          ["password", "victim-pass-1"],
        ],
        "json",
      ],
    ];
    for (const [label, fields, type] of attempts) {
      const r = await rawLogin(fields, type);
      expect(r.cookie, label).toBeNull();
      expect(r.status, label).toBe(label === "plain" ? 429 : 400);
    }
  });
});

describe("sessions end when the password changes", () => {
  it("changing my own password ends my other sessions on /api, /v1 and pages; the changing request gets a fresh session", async () => {
    await createUser("rotor", "rotor-pass-1");
    const first = (await login(s.url, "rotor", "rotor-pass-1")).cookie!;
    const second = (await login(s.url, "rotor", "rotor-pass-1")).cookie!;
    for (const cookie of [first, second]) {
      expect((await call(s.url, "GET", "/api/me", { cookie })).status).toBe(200);
      expect((await call(s.url, "GET", "/v1/models", { cookie })).status).toBe(200); // now cached on /v1
    }
    const changed = await call(s.url, "PATCH", "/api/me", {
      cookie: first,
      body: { current_password: "rotor-pass-1", new_password: "rotor-pass-2" },
    });
    expect(changed.status).toBe(200);
    for (const cookie of [first, second]) {
      expect((await call(s.url, "GET", "/api/me", { cookie })).status).toBe(401);
      expect((await call(s.url, "GET", "/v1/models", { cookie })).status).toBe(401);
      const page = await fetch(`${s.url}/dashboard`, { headers: { cookie }, redirect: "manual" });
      await page.text();
      expect(new URL(page.headers.get("location") ?? "", s.url).pathname).toBe("/login");
    }
    // the request that changed the password carries on with the fresh session it was given
    const fresh = changed.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="));
    expect(fresh).toBeTruthy();
    const freshCookie = fresh!.split(";")[0];
    expect((await call(s.url, "GET", "/api/me", { cookie: freshCookie })).body.name).toBe("rotor");
    expect((await call(s.url, "GET", "/v1/models", { cookie: freshCookie })).status).toBe(200);
    // and a new login works; the old password does not
    expect((await login(s.url, "rotor", "rotor-pass-1")).cookie).toBeNull();
    const again = (await login(s.url, "rotor", "rotor-pass-2")).cookie!;
    expect((await call(s.url, "GET", "/api/me", { cookie: again })).status).toBe(200);
    expect((await call(s.url, "GET", "/v1/models", { cookie: again })).status).toBe(200);
  });

  it("an admin's password reset ends the user's sessions", async () => {
    const id = await createUser("resetee", "resetee-pass-1");
    const cookie = (await login(s.url, "resetee", "resetee-pass-1")).cookie!;
    expect((await call(s.url, "GET", "/v1/models", { cookie })).status).toBe(200);
    expect(
      (await call(s.url, "PATCH", `/api/users/${id}`, { key: "sk_debug", body: { password: "resetee-pass-2" } }))
        .status,
    ).toBe(200);
    expect((await call(s.url, "GET", "/api/me", { cookie })).status).toBe(401);
    expect((await call(s.url, "GET", "/v1/models", { cookie })).status).toBe(401);
    const fresh = (await login(s.url, "resetee", "resetee-pass-2")).cookie!;
    const me = await call(s.url, "GET", "/api/me", { cookie: fresh });
    expect(me.status).toBe(200);
    expect(me.body.must_change_password).toBe(true);
  });

  it("a role change alone does not end sessions", async () => {
    const id = await createUser("promoted", "promoted-pass-1");
    const cookie = (await login(s.url, "promoted", "promoted-pass-1")).cookie!;
    expect((await call(s.url, "PATCH", `/api/users/${id}`, { key: "sk_debug", body: { role: "admin" } })).status).toBe(
      200,
    );
    const me = await call(s.url, "GET", "/api/me", { cookie });
    expect(me.status).toBe(200);
    expect(me.body.role).toBe("admin");
  });
});

describe("after a forced password change, the Playground's /v1 session works", () => {
  it("/v1 refuses while the change is pending, then accepts the new session", async () => {
    const id = await createUser("forced", "forced-pass-1");
    expect(
      (await call(s.url, "PATCH", `/api/users/${id}`, { key: "sk_debug", body: { password: "forced-pass-2" } })).status,
    ).toBe(200);
    const pending = (await login(s.url, "forced", "forced-pass-2")).cookie!;
    expect([401, 403]).toContain((await call(s.url, "GET", "/v1/models", { cookie: pending })).status);
    expect(
      (
        await call(s.url, "PATCH", "/api/me", {
          cookie: pending,
          body: { current_password: "forced-pass-2", new_password: "forced-pass-3" },
        })
      ).status,
    ).toBe(200);
    const cookie = (await login(s.url, "forced", "forced-pass-3")).cookie!;
    expect((await call(s.url, "GET", "/api/me", { cookie })).body.must_change_password).toBe(false);
    const models = await call(s.url, "GET", "/v1/models", { cookie });
    expect(models.status, models.text).toBe(200);
    expect(models.body.object).toBe("list");
  });
});

describe("same-origin check for session requests", () => {
  it("a cross-origin mutation with a forged X-Forwarded-Host matching its Origin is refused", async () => {
    await createUser("xfh", "xfh-pass-12");
    const cookie = (await login(s.url, "xfh", "xfh-pass-12")).cookie!;
    const forged = { origin: "http://evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "http" };
    const r = await call(s.url, "PATCH", "/api/me", {
      cookie,
      headers: forged,
      body: { current_password: "xfh-pass-12", new_password: "xfh-pass-34" },
    });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("forbidden");
    // /v1 takes the session only from our own pages, too
    expect((await call(s.url, "GET", "/v1/models", { cookie, headers: forged })).status).toBe(401);
    // the genuine same-origin request still works
    expect((await call(s.url, "GET", "/v1/models", { cookie })).status).toBe(200);
    expect(
      (
        await call(s.url, "PATCH", "/api/me", {
          cookie,
          body: { current_password: "xfh-pass-12", new_password: "xfh-pass-34" },
        })
      ).status,
    ).toBe(200);
  });
});
