// Configuration as code: export → wipe → import gives the same endpoints, settings, users (without passwords)
// and API-key metadata; the dry run changes nothing; a malformed or conflicting file is a 400 naming the item,
// with the database unchanged; the export holds no secret.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, startServer, type TestServer } from "../harness/server";
import { call, login } from "../harness/http";
import { snapshot } from "../harness/db-snapshot";
import { deadUrl } from "../fakes/upstream";

const SECRET = "config-test-secret-0123456789abcdef";
const ENDPOINT_KEY = "upstream-key-Zq8x1f7Hc2";
const CARL_PASSWORD = "carl-password-9k";
let s1: TestServer;
let s2: TestServer | undefined;
let exported: Record<string, any>;
let apiKeyPlain: string;
const debug = (s: TestServer, method: string, path: string, body?: unknown) =>
  call(s.url, method, path, { key: "sk_debug", body });
const withoutDate = (d: Record<string, unknown>) => ({ ...d, exported_at: undefined });

beforeAll(async () => {
  s1 = await startServer({ env: { LLMLB_SECRET: SECRET } });
  const [a, b] = [await deadUrl(), await deadUrl()];
  expect(
    (
      await debug(s1, "POST", "/api/endpoints", {
        name: "gpu-a",
        base_url: a,
        api_key: ENDPOINT_KEY,
        health_check_interval_secs: 300,
        max_concurrency: 3,
        notes: "rack 1",
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await debug(s1, "POST", "/api/endpoints", {
        name: "gpu-b",
        base_url: `${b}/v1`,
        inference_timeout_secs: 60,
        model_load_timeout_secs: 900,
        generation_probe: false,
        health_check_interval_secs: 300,
      })
    ).status,
  ).toBe(201);
  expect(
    (await debug(s1, "POST", "/api/users", { username: "carl", password: CARL_PASSWORD, role: "viewer" })).status,
  ).toBe(201);
  const key = await debug(s1, "POST", "/api/api-keys", {
    name: "ci",
    permissions: ["openai.inference"],
    expires_at: "2030-01-01T00:00:00.000Z",
  });
  expect(key.status).toBe(201);
  apiKeyPlain = key.body.key;
});

afterAll(async () => {
  await s1?.stop();
  await s2?.stop();
});

describe("configuration as code", () => {
  it("exports everything but secrets", async () => {
    const r = await debug(s1, "GET", "/api/config/export");
    expect(r.status).toBe(200);
    exported = r.body;
    expect(exported.endpoints.map((e: { name: string }) => e.name)).toEqual(["gpu-a", "gpu-b"]);
    expect(exported.endpoints[0]).toMatchObject({
      has_api_key: true,
      max_concurrency: 3,
      notes: "rack 1",
      health_check_interval_secs: 300,
    });
    expect(exported.endpoints[0]).toMatchObject({ model_load_timeout_secs: 600, generation_probe: null });
    expect(exported.endpoints[1]).toMatchObject({ model_load_timeout_secs: 900, generation_probe: false });
    expect(exported.users.map((u: { username: string }) => u.username)).toEqual(["admin", "carl"]);
    expect(exported.api_keys).toEqual([
      expect.objectContaining({
        name: "ci",
        permissions: ["openai.inference"],
        expires_at: "2030-01-01T00:00:00.000Z",
      }),
    ]);
    // no key, password, hash or ciphertext from the database appears anywhere in the document
    const db = s1.db();
    const stored = [
      ...(await db.execute("select password_hash from users")).rows.map((r) => String(r.password_hash)),
      ...(await db.execute("select key_hash from api_keys")).rows.map((r) => String(r.key_hash)),
      ...(await db.execute("select api_key from endpoints where api_key is not null")).rows.map((r) =>
        String(r.api_key),
      ),
    ];
    expect(stored.length).toBe(4); // two password hashes, one key hash, one sealed endpoint key
    for (const secret of [
      ENDPOINT_KEY,
      CARL_PASSWORD,
      ADMIN.password,
      apiKeyPlain,
      apiKeyPlain.slice(8),
      SECRET,
      "sk_debug",
      ...stored,
    ])
      expect(r.text).not.toContain(secret);
  });

  it("a dry run of the same file changes nothing and says so", async () => {
    const before = await snapshot(s1.db());
    const r = await debug(s1, "POST", "/api/config/import", exported);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ applied: false, summary: { create: 0, update: 0, unchanged: 5 } });
    expect(await snapshot(s1.db())).toBe(before);
  });

  it("export → wipe → import gives the same configuration, users without passwords, keys revoked", async () => {
    await s1.stop();
    s2 = await startServer({ env: { LLMLB_SECRET: SECRET } }); // a new, empty database
    const doc = structuredClone(exported);
    doc.endpoints[0].api_key = ENDPOINT_KEY; // the operator adds the key by hand (it is never exported)

    const before = await snapshot(s2.db());
    const dry = await debug(s2, "POST", "/api/config/import", doc);
    expect(dry.status).toBe(200);
    expect(dry.body.summary).toEqual({ create: 4, update: 0, unchanged: 1 }); // admin exists on a fresh start
    expect(dry.body.changes.find((c: { kind: string }) => c.kind === "api_key").note).toMatch(/REVOKED/);
    expect(dry.text).not.toContain(ENDPOINT_KEY);
    expect(await snapshot(s2.db())).toBe(before);

    const applied = await call(s2.url, "POST", "/api/config/import?apply=1", { key: "sk_debug", body: doc });
    expect(applied.status).toBe(200);
    expect(applied.body.applied).toBe(true);
    const audit = (
      await s2.db().execute("select actor_type, action, details from audit_log where action = 'config.import'")
    ).rows;
    expect(audit).toEqual([expect.objectContaining({ actor_type: "api_key", action: "config.import" })]);

    const again = await debug(s2, "GET", "/api/config/export");
    expect(withoutDate(again.body)).toEqual(withoutDate(exported));
    // the endpoint key is stored encrypted, the imported user has no password, the key is revoked
    const [row] = (await s2.db().execute("select api_key from endpoints where name = 'gpu-a'")).rows;
    expect(String(row.api_key)).not.toContain(ENDPOINT_KEY);
    const users = (await debug(s2, "GET", "/api/users")).body.users;
    expect(users.find((u: { username: string }) => u.username === "carl")).toMatchObject({
      has_password: false,
      provider: "local",
      role: "viewer",
    });
    expect((await login(s2.url, "carl", CARL_PASSWORD)).cookie).toBeNull();
    const keys = (await debug(s2, "GET", "/api/api-keys")).body;
    expect(JSON.stringify(keys)).toContain('"status":"revoked"');
    expect((await call(s2.url, "GET", "/v1/models", { key: apiKeyPlain })).status).toBe(401);

    // idempotent: the same file again changes nothing
    const twice = await call(s2.url, "POST", "/api/config/import?apply=1", { key: "sk_debug", body: doc });
    expect(twice.body.summary).toEqual({ create: 0, update: 0, unchanged: 5 });
  });

  it("a malformed or conflicting file is a 400 naming the item, and nothing changes", async () => {
    const before = await snapshot(s2!.db());
    const malformed = structuredClone(exported);
    malformed.endpoints[1].base_url = "ftp://nowhere";
    const r1 = await call(s2!.url, "POST", "/api/config/import?apply=1", { key: "sk_debug", body: malformed });
    expect(r1.status).toBe(400);
    expect(r1.body.error.details[0].field).toBe("endpoints.1.base_url");

    const conflicting = structuredClone(exported);
    conflicting.endpoints.push({ name: "gpu-a", base_url: "http://127.0.0.1:9/elsewhere" });
    conflicting.users.push({ username: "new-one", role: "viewer" });
    const r2 = await call(s2!.url, "POST", "/api/config/import?apply=1", { key: "sk_debug", body: conflicting });
    expect(r2.status).toBe(400);
    expect(r2.body.error.details.map((d: { field: string }) => d.field)).toContain("endpoints[2]");
    expect(r2.body.error.message).toContain('"gpu-a"');
    expect(await snapshot(s2!.db())).toBe(before);
  });

  it("needs both endpoints.manage and users.manage", async () => {
    const only = await debug(s2!, "POST", "/api/api-keys", { name: "ep", permissions: ["endpoints.manage"] });
    expect((await call(s2!.url, "GET", "/api/config/export", { key: only.body.key })).status).toBe(403);
  });
});
