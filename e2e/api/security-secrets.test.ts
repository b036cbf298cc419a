// Sessions, same-origin mutations, security headers, secrets at rest and in logs, and the login rate limit.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, runServerExpectingFailure, startServer, type TestServer } from "../harness/server";
import { call, login } from "../harness/http";
import { snapshot } from "../harness/db-snapshot";
import { waitFor } from "../harness/endpoints";
import { startFake, type FakeUpstream } from "../fakes/upstream";

const ENDPOINT_KEY = "upstream-secret-XYZ-7f3a9c1e";
const EXPLICIT_SECRET = "llmlb-test-secret-5c0ffee-5ca1ab1e-d00dfeed";
const WRONG_PASSWORD_MARKER = "wrong-pass-Q4xRt8";

let s: TestServer;
let keyed: FakeUpstream;
let clientKey: string;
let adminCookie: string;

/** A credentials login with extra headers (to try to spoof the client address). */
async function loginWith(base: string, username: string, password: string, headers: Record<string, string> = {}) {
  const csrfRes = await fetch(`${base}/api/auth/csrf`, { headers });
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const csrfCookie = csrfRes.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, username, password, json: "true" }),
    redirect: "manual",
  });
  await res.text();
  const session = res.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="));
  return { status: res.status, setCookie: session ?? null, cookie: session ? session.split(";")[0] : null };
}

beforeAll(async () => {
  [s, keyed] = await Promise.all([
    startServer({ env: { LLMLB_SECRET: EXPLICIT_SECRET, LLMLB_LOG_LEVEL: "debug" } }),
    startFake({ kind: "openai", apiKey: ENDPOINT_KEY, models: ["secret-model"] }),
  ]);
  adminCookie = (await login(s.url, ADMIN.username, ADMIN.password)).cookie!;
  expect(adminCookie).toBeTruthy();
});

afterAll(async () => {
  await s?.stop();
  await keyed?.stop();
});

describe("sessions", () => {
  it("expire: /api answers 401, pages redirect to /login, /v1 refuses the cookie", async () => {
    const short = await startServer({ env: { LLMLB_SESSION_MAX_AGE_SECS: "5" } });
    try {
      const { cookie } = await login(short.url, ADMIN.username, ADMIN.password);
      expect(cookie).toBeTruthy();
      expect((await call(short.url, "GET", "/api/me", { cookie: cookie! })).status).toBe(200);
      const page = await fetch(`${short.url}/dashboard`, { headers: { cookie: cookie! }, redirect: "manual" });
      expect(page.status).toBe(200);
      await page.text();
      expect((await call(short.url, "GET", "/v1/models", { cookie: cookie! })).status).toBe(200);

      await new Promise((r) => setTimeout(r, 6000));

      const me = await call(short.url, "GET", "/api/me", { cookie: cookie! });
      expect(me.status).toBe(401);
      expect(me.body.error.code).toBe("unauthorized");
      expect(
        (
          await call(short.url, "POST", "/api/api-keys", {
            cookie: cookie!,
            body: { name: "late", permissions: ["logs.read"] },
          })
        ).status,
      ).toBe(401);
      expect((await call(short.url, "GET", "/v1/models", { cookie: cookie! })).status).toBe(401);
      const expired = await fetch(`${short.url}/dashboard`, { headers: { cookie: cookie! }, redirect: "manual" });
      await expired.text();
      expect([302, 303, 307, 308]).toContain(expired.status);
      expect(new URL(expired.headers.get("location")!, short.url).pathname).toBe("/login");
    } finally {
      await short.stop();
    }
  }, 30_000);

  it("the session cookie is HttpOnly and SameSite", async () => {
    const r = await loginWith(s.url, ADMIN.username, ADMIN.password);
    expect(r.setCookie).toMatch(/;\s*HttpOnly/i);
    expect(r.setCookie).toMatch(/;\s*SameSite=(Lax|Strict)/i);
  });

  it("login never redirects to another origin (callbackUrl)", async () => {
    for (const callbackUrl of ["http://evil.example/phish", "//evil.example/x", "https://127.0.0.1.evil.example/"]) {
      const csrfRes = await fetch(`${s.url}/api/auth/csrf`);
      const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
      const cookie = csrfRes.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      const res = await fetch(`${s.url}/api/auth/callback/credentials`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie },
        body: new URLSearchParams({
          csrfToken,
          username: ADMIN.username,
          password: ADMIN.password,
          callbackUrl,
          json: "true",
        }),
        redirect: "manual",
      });
      const text = await res.text();
      const target = res.headers.get("location") ?? (JSON.parse(text) as { url?: string }).url ?? "";
      expect(new URL(target, s.url).origin, `${callbackUrl} → ${target}`).toBe(s.url);
    }
  });

  it("a forged, unsigned or tampered session cookie is worthless", async () => {
    const [header, payload, ...rest] = adminCookie.split("=")[1].split(".");
    const tampered = `next-auth.session-token=${header}.${payload}x.${rest.join(".")}`;
    for (const cookie of [
      tampered,
      "next-auth.session-token=",
      "next-auth.session-token=eyJhbGciOiJub25lIn0.eyJ1aWQiOiJhZG1pbiJ9.",
    ]) {
      expect((await call(s.url, "GET", "/api/me", { cookie })).status, cookie).toBe(401);
      expect((await call(s.url, "GET", "/v1/models", { cookie })).status, cookie).toBe(401);
    }
  });
});

describe("cookie-authenticated mutations must be same-origin", () => {
  const body = { name: "csrf", permissions: ["logs.read"] };
  const raw = (headers: Record<string, string>) =>
    fetch(`${s.url}/api/api-keys`, {
      method: "POST",
      headers: { cookie: adminCookie, "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });

  it("refuses another Origin, a missing Origin, Origin null, another port or scheme, and a cross-site fetch", async () => {
    const before = await snapshot(s.db());
    const other = new URL(s.url);
    const attempts: Array<Record<string, string>> = [
      { origin: "http://evil.example" },
      {},
      { origin: "null" },
      { origin: `http://127.0.0.1:${Number(other.port) + 1}` },
      { origin: `http://${s.url.replace("http://", "")}.evil.example` },
      { "sec-fetch-site": "cross-site" },
      { referer: `${s.url}/dashboard` }, // a Referer alone is not an Origin
    ];
    for (const headers of attempts) {
      const r = await raw(headers);
      const text = await r.text();
      expect(r.status, `${JSON.stringify(headers)} ${text}`).toBe(403);
      expect(JSON.parse(text).error.code).toBe("forbidden");
    }
    for (const [method, p] of [
      ["PATCH", "/api/me"],
      ["DELETE", "/api/users/00000000-0000-4000-8000-000000000000"],
      ["POST", "/api/endpoints/probe"],
    ] as const) {
      const r = await call(s.url, method, p, {
        cookie: adminCookie,
        headers: { origin: "http://evil.example" },
        body: {},
      });
      expect(r.status, `${method} ${p}`).toBe(403);
    }
    expect(await snapshot(s.db())).toBe(before);
  });

  it("/v1 ignores the session cookie from another origin (the Playground is same-origin only)", async () => {
    const r = await call(s.url, "POST", "/v1/chat/completions", {
      cookie: adminCookie,
      headers: { origin: "http://evil.example" },
      body: { model: "x", messages: [] },
    });
    expect(r.status).toBe(401);
  });

  it("accepts the same origin; reads need no Origin; API keys need no Origin", async () => {
    const same = await raw({ origin: s.url });
    expect(same.status).toBe(201);
    await same.text();
    const read = await fetch(`${s.url}/api/me`, { headers: { cookie: adminCookie } });
    expect(read.status).toBe(200);
    const keyed = await fetch(`${s.url}/api/me`, { method: "GET", headers: { authorization: "Bearer sk_debug" } });
    expect(keyed.status).toBe(200);
  });
});

describe("security headers", () => {
  it("on the login page, on dashboard pages, and on redirects", async () => {
    const pages: Array<[string, Record<string, string>]> = [
      ["/login", {}],
      ["/dashboard", { cookie: adminCookie }],
      ["/dashboard/endpoints", { cookie: adminCookie }],
      ["/dashboard", {}], // the redirect to /login
    ];
    for (const [p, headers] of pages) {
      const r = await fetch(s.url + p, { headers, redirect: "manual" });
      await r.text();
      const csp = r.headers.get("content-security-policy") ?? "";
      expect(csp, p).toContain("frame-ancestors 'none'");
      expect(csp, p).toContain("object-src 'none'");
      expect(r.headers.get("x-content-type-options"), p).toBe("nosniff");
      expect(r.headers.get("referrer-policy"), p).toMatch(/no-referrer|strict-origin/);
      expect(r.headers.get("x-powered-by"), p).toBeNull();
    }
  });
});

describe("secrets at rest and in logs", () => {
  it("the endpoint key is encrypted, the client key hashed; neither is in the database file, its WAL, or a response", async () => {
    const created = await call(s.url, "POST", "/api/endpoints", {
      key: "sk_debug",
      body: { name: "keyed", base_url: keyed.url, api_key: ENDPOINT_KEY },
    });
    expect(created.status).toBe(201);
    // the stored key works: the fake refuses anything else
    await waitFor(
      async () =>
        (await call(s.url, "GET", `/api/endpoints/${created.body.id}`, { key: "sk_debug" })).body.status === "online",
    );
    const k = await call(s.url, "POST", "/api/api-keys", {
      cookie: adminCookie,
      body: { name: "secret-test", permissions: ["openai.inference"] },
    });
    expect(k.status).toBe(201);
    clientKey = k.body.key;
    // use both: a proxied request carries the endpoint key upstream
    const chat = await call(s.url, "POST", "/v1/chat/completions", {
      key: clientKey,
      headers: { cookie: adminCookie, "x-api-key": clientKey, "proxy-authorization": "Basic eDp5" },
      body: { model: "secret-model", messages: [{ role: "user", content: "hi" }] },
    });
    expect(chat.status).toBe(200);
    // the upstream sees its own key and none of the client's credentials
    const upstream = keyed.requests.at(-1)!.headers;
    expect(upstream.authorization).toBe(`Bearer ${ENDPOINT_KEY}`);
    expect(JSON.stringify(upstream)).not.toContain(clientKey);
    expect(JSON.stringify(upstream)).not.toContain(adminCookie.split("=")[1]);
    expect(upstream["proxy-authorization"]).toBeUndefined();

    const responses = [
      created.text,
      (await call(s.url, "GET", "/api/endpoints", { key: "sk_debug" })).text,
      (await call(s.url, "GET", `/api/endpoints/${created.body.id}`, { key: "sk_debug" })).text,
      (await call(s.url, "GET", "/api/api-keys", { key: "sk_debug" })).text,
      (await call(s.url, "PATCH", `/api/endpoints/${created.body.id}`, { key: "sk_debug", body: { notes: "n" } })).text,
    ];
    for (const text of responses) {
      expect(text).not.toContain(ENDPOINT_KEY);
      expect(text).not.toContain(clientKey);
    }
    expect(created.body.has_api_key).toBe(true);

    for (const file of [s.dbFile, `${s.dbFile}-wal`, `${s.dbFile}-shm`]) {
      if (!fs.existsSync(file)) continue;
      const bytes = fs.readFileSync(file);
      for (const secret of [ENDPOINT_KEY, clientKey, ADMIN.password, EXPLICIT_SECRET]) {
        expect(
          bytes.includes(Buffer.from(secret, "utf8")),
          `${path.basename(file)} contains ${secret.slice(0, 12)}…`,
        ).toBe(false);
        expect(
          bytes.includes(Buffer.from(secret, "utf16le")),
          `${path.basename(file)} contains ${secret.slice(0, 12)}… (utf-16)`,
        ).toBe(false);
      }
    }
    const rows = await s.db().execute("SELECT api_key FROM endpoints WHERE id = ?", [created.body.id]);
    expect(String(rows.rows[0].api_key)).not.toContain(ENDPOINT_KEY);
    expect(String(rows.rows[0].api_key).length).toBeGreaterThan(ENDPOINT_KEY.length);
  });

  it("a configuration error names the variable but never echoes a secret's value", async () => {
    const r = await runServerExpectingFailure({
      LLMLB_SECRET: "tooShortSecret",
      LLMLB_ADMIN_PASSWORD: "short7!",
      LLMLB_PORT: "abc",
    });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain("LLMLB_SECRET");
    expect(r.output).toContain("LLMLB_ADMIN_PASSWORD");
    expect(r.output).toContain('"abc"'); // ordinary values are still shown
    expect(r.output).not.toContain("tooShortSecret");
    expect(r.output).not.toContain("short7!");
  });

  it("the generated secret file is private (0600)", async () => {
    const other = await startServer();
    try {
      const mode = fs.statSync(path.join(other.dataDir, "secret")).mode & 0o777;
      expect(mode.toString(8)).toBe("600");
      const secret = fs.readFileSync(path.join(other.dataDir, "secret"), "utf8").trim();
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(other.output()).not.toContain(secret);
    } finally {
      await other.stop();
    }
  });

  it("no log line carries a secret, even after failures that involve them", async () => {
    expect(clientKey).toBeTruthy();
    // failures around secrets: a wrong password, bad keys, a probe with a key the upstream rejects, bad bodies
    await loginWith(s.url, ADMIN.username, WRONG_PASSWORD_MARKER);
    await call(s.url, "GET", "/api/me", { key: `${clientKey}x` });
    await call(s.url, "POST", "/v1/chat/completions", { key: `${clientKey}x`, body: { model: "m" } });
    await call(s.url, "POST", "/api/endpoints/probe", {
      key: "sk_debug",
      body: { base_url: keyed.url, api_key: `${ENDPOINT_KEY}-wrong` },
    });
    await call(s.url, "POST", "/api/endpoints", {
      key: "sk_debug",
      body: { name: 5, base_url: "nope", api_key: ENDPOINT_KEY },
    });
    await call(s.url, "POST", "/api/users", {
      key: "sk_debug",
      body: { username: "logcheck", password: WRONG_PASSWORD_MARKER, role: "root" },
    });
    await call(s.url, "PATCH", "/api/me", {
      cookie: adminCookie,
      body: { current_password: WRONG_PASSWORD_MARKER, new_password: `${WRONG_PASSWORD_MARKER}2` },
    });
    // a proxied request whose upstream rejects the key
    keyed.setFaults({ status: 500 });
    await call(s.url, "POST", "/v1/chat/completions", {
      key: clientKey,
      body: { model: "secret-model", messages: [] },
    });
    keyed.resetFaults();
    await new Promise((r) => setTimeout(r, 1000)); // request-log flush and any async logging

    const out = s.output();
    expect(out.length).toBeGreaterThan(0);
    const session = adminCookie.split("=")[1];
    for (const [what, secret] of [
      ["endpoint key", ENDPOINT_KEY],
      ["client key", clientKey],
      ["admin password", ADMIN.password],
      ["a wrong password", WRONG_PASSWORD_MARKER],
      ["LLMLB_SECRET", EXPLICIT_SECRET],
      ["session token", session],
    ] as const) {
      expect(out.includes(secret), `the log contains the ${what}`).toBe(false);
    }
    // our log lines are structured JSON, and nothing dumps raw objects or stacks
    const lines = out.split("\n").filter((l) => l.startsWith("{"));
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(out).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  });
});

/** A credentials login with a JSON body (next-auth accepts it too) on an optional path variant. */
async function loginJson(base: string, username: unknown, password: string, path = "/api/auth/callback/credentials") {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const cookie = csrfRes.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await fetch(base + path, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ csrfToken, username, password, json: "true" }),
    redirect: "manual",
  });
  await res.text();
  const session = res.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="));
  return { status: res.status, cookie: session ? session.split(";")[0] : null };
}

describe("login rate limit (per client IP + username)", () => {
  it("cannot be sidestepped with a JSON body, a path variant, or a username longer than 64 characters", async () => {
    const long = "l".repeat(64);
    for (const username of ["jsonuser", long]) {
      expect(
        (
          await call(s.url, "POST", "/api/users", {
            key: "sk_debug",
            body: { username, password: "right-pass-1", role: "viewer" },
          })
        ).status,
      ).toBe(201);
    }
    // JSON bodies count, and are refused once the limit is reached
    for (let i = 0; i < 5; i++)
      expect((await loginJson(s.url, "jsonuser", "wrong-password")).status, `attempt ${i + 1}`).not.toBe(429);
    expect((await loginJson(s.url, "jsonuser", "right-pass-1")).status).toBe(429);
    expect((await loginWith(s.url, "jsonuser", "right-pass-1")).status).toBe(429);
    expect((await loginJson(s.url, ["jsonuser"], "right-pass-1")).cookie).toBeNull();
    for (const variant of ["/api/auth/callback/credentials/x", "/api/auth/callback/credential%73"]) {
      const r = await loginJson(s.url, "jsonuser", "right-pass-1", variant);
      expect(r.cookie, variant).toBeNull();
    }
    // characters past the 64th are ignored by the login, so they must not make a fresh limiter key
    for (let i = 0; i < 5; i++) await loginWith(s.url, `${long}${i}`, "wrong-password");
    for (const username of [long, `${long}zz`]) {
      const sixth = await loginWith(s.url, username, "right-pass-1");
      expect(sixth.status, username).toBe(429);
      expect(sixth.cookie, username).toBeNull();
    }
  });

  it("the 6th attempt in a minute is 429 even with the right password; spoofed client-address headers do not help; another username still signs in", async () => {
    for (const username of ["limited", "bystander"]) {
      expect(
        (
          await call(s.url, "POST", "/api/users", {
            key: "sk_debug",
            body: { username, password: `${username}-pass-1`, role: "viewer" },
          })
        ).status,
      ).toBe(201);
    }
    const spoof = (i: number): Record<string, string> => ({
      "x-forwarded-for": `10.0.0.${i}`,
      "x-real-ip": `10.0.1.${i}`,
      "x-llmlb-client-ip": `10.0.2.${i}`,
    });
    for (let i = 0; i < 5; i++) {
      const r = await loginWith(s.url, i % 2 ? "LIMITED" : "limited", "wrong-password", spoof(i));
      expect(r.cookie, `attempt ${i + 1}`).toBeNull();
      expect(r.status, `attempt ${i + 1}`).not.toBe(429);
    }
    const sixth = await loginWith(s.url, "limited", "limited-pass-1", spoof(99));
    expect(sixth.status).toBe(429);
    expect(sixth.cookie).toBeNull();
    const other = await loginWith(s.url, "bystander", "bystander-pass-1");
    expect(other.cookie).toBeTruthy();
    const admin = await loginWith(s.url, ADMIN.username, ADMIN.password);
    expect(admin.cookie).toBeTruthy();
  });
});
