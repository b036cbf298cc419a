// Red-team findings on authentication (SPEC §4, §12).
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
  const cookie = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const pairs = [...fields.map(([k, v]): [string, string] => [k, v === CSRF ? csrfToken : v]), ["json", "true"] as [string, string]];
  const body =
    type === "form" ? new URLSearchParams(pairs).toString() : `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`;
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
      [["csrfToken", CSRF], ["username", "decoy"], ["username", "twice"], ["password", "twice-pass-1"]],
      [["csrfToken", CSRF], ["username", "twice"], ["username", "twice"], ["password", "twice-pass-1"]],
      [["csrfToken", CSRF], ["username", "twice"], ["password", "wrong"], ["password", "twice-pass-1"]],
      [["csrfToken", "forged"], ["csrfToken", CSRF], ["username", "twice"], ["password", "twice-pass-1"]],
    ];
    for (const [fields, type] of [...variants.map((v) => [v, "form"] as const), ...variants.map((v) => [v, "json"] as const)]) {
      const r = await rawLogin(fields, type);
      const label = `${type}: ${fields.map(([k, v]) => `${k}=${v === CSRF ? "<csrf>" : v}`).join("&")}`;
      expect(r.cookie, label).toBeNull();
      expect(r.status, label).toBe(400);
    }
    // the same credentials, each once, still sign in
    for (const type of ["form", "json"] as const) expect((await rawLogin([["csrfToken", CSRF], ["username", "twice"], ["password", "twice-pass-1"]], type)).cookie, type).toBeTruthy();
  });

  it("decoy usernames do not keep the real one under the limit: its 6th attempt in a minute is 429", async () => {
    await createUser("victim", "victim-pass-1");
    // the red-team attack: a decoy first (what the limiter used to read), the real name last (what signed in)
    const decoyed = (password: string): Array<[string, string]> => [["csrfToken", CSRF], ["username", "decoy"], ["username", "victim"], ["password", password]];
    for (let i = 0; i < 8; i++) {
      const r = await rawLogin(decoyed(`guess-${i}`));
      expect(r.cookie, `decoyed attempt ${i + 1}`).toBeNull();
      expect(r.status, `decoyed attempt ${i + 1}`).not.toBe(200);
    }
    expect((await rawLogin(decoyed("victim-pass-1"))).cookie, "decoyed right password").toBeNull();
    // refused requests attempted no sign-in, so they did not count; five real failures do
    for (let i = 0; i < 5; i++) {
      const r = await rawLogin([["csrfToken", CSRF], ["username", "victim"], ["password", `plain-guess-${i}`]]);
      expect(r.status, `plain attempt ${i + 1}`).toBe(401);
    }
    // 5 failures for "victim" in this minute: the right password is refused, however the username is dressed up
    const attempts: Array<[string, Array<[string, string]>, "form" | "json"]> = [
      ["plain", [["csrfToken", CSRF], ["username", "victim"], ["password", "victim-pass-1"]], "form"],
      ["decoy first", [["csrfToken", CSRF], ["username", "decoy"], ["username", "victim"], ["password", "victim-pass-1"]], "form"],
      ["decoy last", [["csrfToken", CSRF], ["username", "victim"], ["username", "decoy"], ["password", "victim-pass-1"]], "form"],
      ["json duplicate key", [["csrfToken", CSRF], ["username", "decoy"], ["username", "victim"], ["password", "victim-pass-1"]], "json"],
    ];
    for (const [label, fields, type] of attempts) {
      const r = await rawLogin(fields, type);
      expect(r.cookie, label).toBeNull();
      expect(r.status, label).toBe(label === "plain" ? 429 : 400);
    }
  });
});

describe("same-origin check for session requests", () => {
  it("a cross-origin mutation with a forged X-Forwarded-Host matching its Origin is refused", async () => {
    await createUser("xfh", "xfh-pass-12");
    const cookie = (await login(s.url, "xfh", "xfh-pass-12")).cookie!;
    const forged = { origin: "http://evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "http" };
    const r = await call(s.url, "PATCH", "/api/me", { cookie, headers: forged, body: { current_password: "xfh-pass-12", new_password: "xfh-pass-34" } });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("forbidden");
    // /v1 takes the session only from our own pages, too
    expect((await call(s.url, "GET", "/v1/models", { cookie, headers: forged })).status).toBe(401);
    // the genuine same-origin request still works
    expect((await call(s.url, "GET", "/v1/models", { cookie })).status).toBe(200);
    expect((await call(s.url, "PATCH", "/api/me", { cookie, body: { current_password: "xfh-pass-12", new_password: "xfh-pass-34" } })).status).toBe(200);
  });
});
