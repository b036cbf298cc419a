import { describe, expect, it } from "vitest";
import { planImport, type CurrentState } from "./plan";
import { configDocumentSchema } from "./schema";

const current: CurrentState = {
  endpoints: [
    {
      id: "e1",
      name: "gpu-1",
      baseUrl: "http://127.0.0.1:1",
      endpointType: "ollama",
      healthCheckIntervalSecs: 30,
      inferenceTimeoutSecs: 120,
      modelLoadTimeoutSecs: 600,
      generationProbe: null,
      maxConcurrency: null,
      notes: null,
      apiKey: "k1",
    },
  ],
  users: [
    { id: "u1", username: "admin", role: "admin", provider: "local" },
    { id: "u2", username: "sso-admin", role: "admin", provider: "oidc" },
  ],
  apiKeys: [{ name: "ci", prefix: "sk_abc" }],
};
const doc = (d: object) => configDocumentSchema.parse({ version: 1, ...d });
const plan = (d: object, localLogin = true) => planImport({ doc: doc(d), current, localLogin });

describe("planImport", () => {
  it("matches endpoints by name and URL: unchanged, updated field by field, or created", () => {
    const p = plan({
      endpoints: [
        { name: "gpu-1", base_url: "http://127.0.0.1:1", endpoint_type: "ollama", health_check_interval_secs: 30 },
        { name: "gpu-2", base_url: "http://127.0.0.1:2", has_api_key: true },
      ],
    });
    expect(p.conflicts).toEqual([]);
    expect(p.changes.map((c) => [c.name, c.action])).toEqual([
      ["gpu-1", "unchanged"],
      ["gpu-2", "create"],
    ]);
    expect(p.changes[1].note).toMatch(/give api_key/);
    const upd = plan({
      endpoints: [{ name: "gpu-1", base_url: "http://127.0.0.1:1", max_concurrency: 4, api_key: "k2" }],
    }).changes[0];
    expect(upd).toMatchObject({
      action: "update",
      id: "e1",
      fields: { max_concurrency: { from: null, to: 4 }, api_key: { from: "(set)", to: "(set)" } },
    });
    expect(
      plan({ endpoints: [{ name: "gpu-1", base_url: "http://127.0.0.1:1", api_key: "k1" }] }).changes[0].action,
    ).toBe("unchanged");
  });

  it("carries model_load_timeout_secs and generation_probe (null: by type) like the other settings", () => {
    const base = { name: "gpu-1", base_url: "http://127.0.0.1:1" };
    expect(
      plan({ endpoints: [{ ...base, model_load_timeout_secs: 600, generation_probe: null }] }).changes[0].action,
    ).toBe("unchanged");
    const upd = plan({ endpoints: [{ ...base, model_load_timeout_secs: 900, generation_probe: false }] }).changes[0];
    expect(upd).toMatchObject({
      action: "update",
      fields: { model_load_timeout_secs: { from: 600, to: 900 }, generation_probe: { from: null, to: false } },
    });
    expect(doc({ endpoints: [{ ...base, generation_probe: true }] }).endpoints[0].generation_probe).toBe(true);
  });

  it("names the item of every conflict", () => {
    const p = plan({
      endpoints: [
        { name: "gpu-1", base_url: "http://127.0.0.1:9" },
        { name: "other", base_url: "http://127.0.0.1:1" },
        { name: "dup", base_url: "http://127.0.0.1:5" },
        { name: "dup", base_url: "http://127.0.0.1:6" },
      ],
      users: [{ username: "sso-admin", role: "admin", provider: "local" }],
      api_keys: [
        {
          name: "x",
          prefix: "sk_x",
          permissions: ["openai.inference"],
          created_by: "ghost",
          created_at: "2026-01-01T00:00:00Z",
        },
      ],
    });
    expect(p.conflicts.map((c) => c.field).sort()).toEqual([
      "api_keys[0]",
      "endpoints[0]",
      "endpoints[1]",
      "endpoints[3]",
      "users[0]",
    ]);
  });

  it("creates users without a password, updates roles, and keeps a local admin while local login is on", () => {
    const p = plan({
      users: [
        { username: "new", role: "viewer" },
        { username: "sso-admin", role: "viewer", provider: "oidc" },
      ],
    });
    expect(p.conflicts).toEqual([]);
    expect(p.changes.map((c) => [c.name, c.action])).toEqual([
      ["new", "create"],
      ["sso-admin", "update"],
    ]);
    expect(p.changes[0].note).toMatch(/without a password/);
    expect(plan({ users: [{ username: "admin", role: "viewer" }] }).conflicts[0]).toEqual({
      field: "users[0]",
      message: '"admin": the last local admin (local login is on) cannot be demoted',
    });
    expect(plan({ users: [{ username: "admin", role: "viewer" }] }, false).conflicts).toEqual([]);
  });

  it("imports API keys as metadata, revoked, and says so; a known one is unchanged", () => {
    const key = { permissions: ["openai.inference"], created_at: "2026-01-01T00:00:00Z" };
    const p = plan({
      api_keys: [
        { name: "ci", prefix: "sk_abc", ...key },
        { name: "new", prefix: "sk_new", ...key },
      ],
    });
    expect(p.changes.map((c) => [c.name, c.action])).toEqual([
      ["ci", "unchanged"],
      ["new", "create"],
    ]);
    expect(p.changes[1].note).toMatch(/REVOKED/);
  });
});
