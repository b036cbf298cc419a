// Property-based fuzzing of every mutating /api route, the query-string routes, and the /v1 inference routes with
// random and adversarial input: never a 5xx, always the documented error shape, and a rejected
// request leaves the registry tables byte-for-byte unchanged. Every URL the server is made to contact is 127.0.0.1.
import fc from "fast-check";
import type { Client } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_ERROR_STATUS, type ApiErrorCode } from "../../lib/errors";
import { PERMISSIONS } from "../../lib/db/constants";
import { startServer, type TestServer } from "../harness/server";
import { call, login, type Call } from "../harness/http";
import { snapshot } from "../harness/db-snapshot";
import { registerOnline } from "../harness/endpoints";
import { quiet } from "../harness/quiet";
import {
  anyJ,
  decodes,
  deep,
  encode,
  fuzzBody,
  nastyId,
  nastyNumber,
  nastyString,
  toJson,
  type J,
} from "../harness/json-fuzz";
import { deadUrl, startFake, type FakeUpstream } from "../fakes/upstream";

const KEY = "sk_debug";
const RUNS = 40;

let s: TestServer;
let db: Client;
let xllm: FakeUpstream;
let openai: FakeUpstream;
let fuzzCookie: string;
const ids: Record<string, string> = {};
const deadPorts: number[] = [];

// ---------- invariants ----------

const STACK = /\bat .+\.(js|ts|mjs):\d+/;

function expectApiShape(r: Call, label: string) {
  expect(r.status, `${label} → ${r.status} ${r.text.slice(0, 300)}`).toBeLessThan(500);
  if (r.status < 400) return;
  expect(r.headers.get("content-type"), label).toContain("application/json");
  const code = r.body?.error?.code as ApiErrorCode;
  expect(Object.keys(API_ERROR_STATUS), `${label} → ${r.text.slice(0, 300)}`).toContain(code);
  expect(API_ERROR_STATUS[code], `${label}: status agrees with the code`).toBe(r.status);
  expect(typeof r.body.error.message, label).toBe("string");
  expect(r.text, label).not.toMatch(STACK);
  if (Array.isArray(r.body.error.details)) {
    for (const d of r.body.error.details)
      expect(typeof d.field === "string" && typeof d.message === "string", label).toBe(true);
  }
}

function expectV1Shape(r: Call, label: string) {
  expect(r.status, `${label} → ${r.status} ${r.text.slice(0, 300)}`).toBeLessThan(500);
  if (r.status < 400) return;
  expect(r.headers.get("content-type"), label).toContain("application/json");
  expect(Object.keys(r.body?.error ?? {}).sort(), `${label} → ${r.text.slice(0, 300)}`).toEqual([
    "code",
    "message",
    "param",
    "type",
  ]);
  expect(typeof r.body.error.message, label).toBe("string");
  expect(typeof r.body.error.type, label).toBe("string");
  expect(r.text, label).not.toMatch(STACK);
}

type Shape = typeof expectApiShape;

/** One request: the shape holds; a rejected request changed nothing; a success that starts async work settles. */
async function attempt(
  method: string,
  path: string,
  opts: { raw?: string; key?: string; cookie?: string; undo?: (r: Call) => Promise<unknown> },
  shape: Shape = expectApiShape,
): Promise<Call> {
  const before = await snapshot(db);
  const r = await call(s.url, method, path, {
    key: opts.cookie ? undefined : (opts.key ?? KEY),
    cookie: opts.cookie,
    raw: opts.raw,
  });
  const label = `${method} ${path.slice(0, 160)} ${opts.raw === undefined ? "" : opts.raw.slice(0, 240)}`;
  shape(r, label);
  if (r.status >= 400) expect(await snapshot(db), `${label} → ${r.status} changed the database`).toBe(before);
  else if (method !== "GET") {
    // an accepted random endpoint would be health-checked on its own (random) interval and change the tables
    // under later comparisons: undo it, then let the registry settle
    await opts.undo?.(r);
    await quiet(s, { stableMs: 400 });
  }
  return r;
}

const deleteCreated = (r: Call) => call(s.url, "DELETE", `/api/endpoints/${r.body.id}`, { key: KEY });
const resetVictim = () =>
  call(s.url, "PATCH", `/api/endpoints/${ids.victim}`, { key: KEY, body: { health_check_interval_secs: 300 } });

/** fc.assert with bounded runs, no shrinking (each step is HTTP), and a short report (bodies can be 1 MB). */
async function property<T>(arb: fc.Arbitrary<T>, body: (t: T) => Promise<unknown>, numRuns = RUNS): Promise<void> {
  const out = await fc.check(
    fc.asyncProperty(arb, async (t) => {
      await body(t);
    }),
    { numRuns, endOnFailure: true },
  );
  if (out.failed) {
    const ex = JSON.stringify(out.counterexample, (_k, v) =>
      typeof v === "string" && v.length > 200 ? `${v.slice(0, 200)}…(${v.length})` : v,
    ).slice(0, 800);
    throw new Error(
      `property failed after ${out.numRuns} runs (seed ${out.seed}, path ${out.counterexamplePath}):\n${ex}\n${String(out.errorInstance).slice(0, 2000)}`,
    );
  }
}

// ---------- generators ----------

const str = (a: fc.Arbitrary<string>): fc.Arbitrary<J> => a;

/** http://127.0.0.1:<port><path>: the host is fixed, whatever else varies. */
const loopbackUrl: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(...[0, 1, 2].map((i) => () => deadPorts[i])).map((f) => f()),
      fc.integer({ min: 1, max: 65535 }),
    ),
    fc.array(
      fc.oneof(fc.stringMatching(/^[a-z0-9._~-]{1,8}$/), fc.constantFrom("..", "%2e%2e", ".", "v1", "😀", "a%20b")),
      { maxLength: 3 },
    ),
    fc.constantFrom("", "/", "//"),
    fc.constantFrom("http", "https", "HTTP"),
  )
  .map(([port, parts, tail, scheme]) => `${scheme}://127.0.0.1:${port}${parts.map((p) => `/${p}`).join("")}${tail}`);

/** A base_url value that must be refused, or cannot name any host but 127.0.0.1. */
function loopbackOnly(v: J): boolean {
  if (typeof v !== "string") return true;
  try {
    const u = new URL(v.trim());
    return !(u.protocol === "http:" || u.protocol === "https:") || u.hostname === "127.0.0.1";
  } catch {
    return true;
  }
}
const badUrl: fc.Arbitrary<J> = fc.oneof(
  fc.constantFrom<J>(
    "ftp://127.0.0.1:21",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "data:text/plain,hi",
    "http://user:pw@127.0.0.1:1",
    "http://127.0.0.1:1/?q=1",
    "http://127.0.0.1:1/#frag",
    "http://127.0.0.1:99999",
    "http://[::1",
    "//127.0.0.1:1",
    "127.0.0.1:1",
    `http://127.0.0.1:1/${"a".repeat(2100)}`,
    "",
    " ",
  ),
  anyJ.filter(loopbackOnly),
);

const endpointFields = () => ({
  name: str(fc.string({ minLength: 1, maxLength: 30 }).map((x) => `fz ${x}`)),
  base_url: str(loopbackUrl),
  api_key: str(fc.string({ minLength: 1, maxLength: 40 }).filter((x) => x.trim().length > 0)),
  health_check_interval_secs: fc.integer({ min: 10, max: 300 }) as fc.Arbitrary<J>,
  inference_timeout_secs: fc.integer({ min: 10, max: 600 }) as fc.Arbitrary<J>,
  max_concurrency: fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.constant(null)) as fc.Arbitrary<J>,
  notes: fc.oneof(fc.string({ maxLength: 60 }), fc.constant(null)) as fc.Arbitrary<J>,
});
const endpointBad = {
  base_url: badUrl,
  health_check_interval_secs: nastyNumber,
  inference_timeout_secs: nastyNumber,
  max_concurrency: nastyNumber,
};

/** A query string from keys → value arbitraries, values sometimes raw (malformed percent-encoding, separators). */
function queryString(keys: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const value = (a: fc.Arbitrary<string>) =>
    fc.oneof(
      { weight: 3, arbitrary: a.map(encode) },
      { weight: 2, arbitrary: nastyString.filter((x) => x.length < 3000).map(encode) },
      { weight: 1, arbitrary: fc.constantFrom("%", "%zz", "%E0%A4%A", "%00", "a&b", "==", "+", "[]", "%2e%2e%2f") },
    );
  return fc
    .tuple(
      fc.record(Object.fromEntries(Object.entries(keys).map(([k, a]) => [k, fc.option(value(a), { freq: 3 })]))),
      fc.array(fc.tuple(fc.constantFrom("__proto__", "constructor", "x", "type[]", "page"), value(fc.string())), {
        maxLength: 2,
      }),
    )
    .map(([known, extra]) => {
      const parts = [...Object.entries(known).filter(([, v]) => v !== null), ...extra].map(
        ([k, v]) => `${encodeURIComponent(k)}=${v}`,
      );
      return parts.length ? `?${parts.join("&")}` : "";
    });
}

/** An id path segment: sometimes a real one, else adversarial (never a real id). */
const idOr = (...real: Array<() => string>) =>
  fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...real).map((f) => f()) }, { weight: 3, arbitrary: nastyId });

// ---------- set-up ----------

beforeAll(async () => {
  [s, xllm, openai] = await Promise.all([
    startServer({ env: { LLMLB_HEALTH_CHECK_INTERVAL: "300", LLMLB_HEALTH_CHECK_TIMEOUT_MS: "1000" } }),
    startFake({ kind: "xllm", models: ["llama-3.2-1b", "a%b", "a%41", "org/m:q4"] }),
    startFake({ kind: "openai", models: ["fuzz-model", "fuzz-embed"] }),
  ]);
  for (let i = 0; i < 3; i++) deadPorts.push(Number(new URL(await deadUrl()).port));
  db = s.db();
  ids.xllm = (await registerOnline(s.url, { name: "fz-xllm", base_url: xllm.url })).id;
  ids.openai = (await registerOnline(s.url, { name: "fz-openai", base_url: openai.url })).id;
  ids.victim = (
    await call(s.url, "POST", "/api/endpoints", {
      key: KEY,
      body: { name: "fz-victim", base_url: `http://127.0.0.1:${deadPorts[0]}/victim` },
    })
  ).body.id;
  expect(
    (await call(s.url, "POST", `/api/endpoints/${ids.xllm}/download`, { key: KEY, body: { model: "llama-3.2-1b" } }))
      .status,
  ).toBe(202);
  ids.user = (
    await call(s.url, "POST", "/api/users", {
      key: KEY,
      body: { username: "fz-target", password: "fz-target-pass", role: "viewer" },
    })
  ).body.id;
  await call(s.url, "POST", "/api/users", {
    key: KEY,
    body: { username: "fz-me", password: "fz-me-password", role: "viewer" },
  });
  fuzzCookie = (await login(s.url, "fz-me", "fz-me-password")).cookie!;
  expect(fuzzCookie).toBeTruthy();
  await quiet(s);
}, 60_000);

afterAll(async () => {
  await s?.stop();
  await Promise.all([xllm?.stop(), openai?.stop()]);
});

// ---------- /api mutations ----------

describe("/api mutations with adversarial bodies", () => {
  it("POST /api/endpoints", async () => {
    await property(fuzzBody(endpointFields(), endpointBad), (raw) =>
      attempt("POST", "/api/endpoints", { raw, undo: deleteCreated }),
    );
  });

  it("PATCH /api/endpoints/{id}", async () => {
    const fields = endpointFields();
    await property(
      fc.tuple(
        idOr(() => ids.victim),
        fuzzBody(fields, { ...endpointBad, api_key: fc.oneof(anyJ, fc.constant(null)) }),
      ),
      ([id, raw]) => attempt("PATCH", `/api/endpoints/${id}`, { raw, undo: resetVictim }),
    );
  });

  it("POST /api/endpoints/probe", async () => {
    await property(
      fuzzBody(
        { base_url: str(loopbackUrl), api_key: str(fc.string({ minLength: 1, maxLength: 20 })) },
        { base_url: badUrl },
      ),
      (raw) => attempt("POST", "/api/endpoints/probe", { raw }),
    );
  });

  it("POST /api/endpoints/{id}/download", async () => {
    await property(
      fc.tuple(
        idOr(
          () => ids.xllm,
          () => ids.openai,
        ),
        fuzzBody({ model: str(fc.string({ minLength: 1, maxLength: 30 })) }),
      ),
      ([id, raw]) => attempt("POST", `/api/endpoints/${id}/download`, { raw }),
    );
  });

  it("POST /api/users", async () => {
    const fields = {
      username: str(fc.stringMatching(/^[a-z0-9._@-]{1,20}$/).map((u) => `fz${u}`)),
      password: str(fc.string({ minLength: 8, maxLength: 30 })),
      role: fc.constantFrom<J>("admin", "viewer"),
    };
    await property(fuzzBody(fields), (raw) => attempt("POST", "/api/users", { raw }), 20);
  });

  it("PATCH /api/users/{id}", async () => {
    const fields = {
      role: fc.constantFrom<J>("admin", "viewer"),
      password: str(fc.string({ minLength: 8, maxLength: 30 })),
    };
    await property(
      fc.tuple(
        idOr(() => ids.user),
        fuzzBody(fields),
      ),
      ([id, raw]) => attempt("PATCH", `/api/users/${id}`, { raw }),
      20,
    );
  });

  it("POST /api/api-keys", async () => {
    const fields = {
      name: str(fc.string({ minLength: 1, maxLength: 30 }).filter((x) => x.trim().length > 0)),
      permissions: fc.subarray([...PERMISSIONS], { minLength: 1 }) as fc.Arbitrary<J>,
      expires_at: fc.oneof(
        fc
          .date({ noInvalidDate: true, min: new Date(0), max: new Date(4_000_000_000_000) })
          .map((d) => d.toISOString()),
        fc.constant(null),
      ) as fc.Arbitrary<J>,
    };
    await property(fuzzBody(fields, { permissions: fc.array(anyJ, { maxLength: 3 }) as fc.Arbitrary<J> }), (raw) =>
      attempt("POST", "/api/api-keys", { raw }),
    );
  });

  it("PATCH /api/me (session)", async () => {
    const fields = {
      current_password: str(fc.string({ minLength: 1, maxLength: 30 }).map((x) => `not-${x}`)),
      new_password: str(fc.string({ minLength: 8, maxLength: 30 })),
    };
    await property(fuzzBody(fields), (raw) => attempt("PATCH", "/api/me", { raw, cookie: fuzzCookie }), 20);
  });

  it("DELETE, test and sync on ids that do not exist", async () => {
    const ROUTES: Array<[string, (id: string) => string]> = [
      ["DELETE", (id) => `/api/endpoints/${id}`],
      ["POST", (id) => `/api/endpoints/${id}/test`],
      ["POST", (id) => `/api/endpoints/${id}/sync`],
      ["DELETE", (id) => `/api/users/${id}`],
      ["DELETE", (id) => `/api/api-keys/${id}`],
      ["GET", (id) => `/api/endpoints/${id}`],
      ["GET", (id) => `/api/endpoints/${id}/models`],
      ["GET", (id) => `/api/${id}`],
      ["POST", (id) => `/api/endpoints/${id}/nope`],
    ];
    const routes = fc.constantFrom(...ROUTES);
    await property(fc.tuple(routes, nastyId), async ([[method, path], id]) => {
      const r = await attempt(method, path(id), { raw: method === "POST" ? "{}" : undefined });
      // an id whose percent-encoding does not decode is a 400 before any route sees it
      expect(r.status, `${method} ${path(id)}`).toBe(decodes(id) ? 404 : 400);
    });
  });
});

// ---------- query strings and path parameters ----------

describe("/api queries and path parameters", () => {
  it("GET /api/endpoints?type=&status=&q=", async () => {
    const q = queryString({
      type: fc.constantFrom("xllm", "ollama", "unknown", "XLLM", ""),
      status: fc.constantFrom("online", "pending", "Online"),
      q: fc.string({ maxLength: 10 }),
    });
    await property(q, async (qs) => {
      const r = await attempt("GET", `/api/endpoints${qs}`, {});
      expect([200, 400], qs).toContain(r.status);
    });
  });

  it("GET /api/endpoints/{id}/download/progress?model=", async () => {
    await property(
      fc.tuple(
        idOr(
          () => ids.xllm,
          () => ids.openai,
        ),
        queryString({ model: fc.constantFrom("llama-3.2-1b", "nope") }),
      ),
      ([id, qs]) => attempt("GET", `/api/endpoints/${id}/download/progress${qs}`, {}),
    );
  });

  it("GET /api/endpoints/{id}/models/{model}/info", async () => {
    const model = fc.oneof(
      fc.constantFrom("llama-3.2-1b", "%E0%A4%A", "%", "a%2Fb%3Ac", "..%2F..%2Fetc%2Fpasswd"),
      nastyId,
    );
    await property(
      fc.tuple(
        idOr(
          () => ids.xllm,
          () => ids.openai,
        ),
        model,
      ),
      ([id, m]) => attempt("GET", `/api/endpoints/${id}/models/${m}/info`, {}),
    );
  });

  it("a model id in the path is decoded exactly once (a%25b is the model `a%b`, a%2541 is `a%41`, not `aA`)", async () => {
    const ok = await attempt("GET", `/api/endpoints/${ids.xllm}/models/${encodeURIComponent("a%b")}/info`, {});
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.model).toBe("a%b");
    const other = await attempt("GET", `/api/endpoints/${ids.xllm}/models/a%2541/info`, {});
    expect(other.status, other.text).toBe(200);
    expect(other.body.model).toBe("a%41");
    const unknown = await attempt("GET", `/api/endpoints/${ids.xllm}/models/b%2541/info`, {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain("b%41");
    const slashy = await attempt("GET", `/api/endpoints/${ids.xllm}/models/${encodeURIComponent("org/m:q4")}/info`, {});
    expect(slashy.status, slashy.text).toBe(200);
    expect(slashy.body.model).toBe("org/m:q4");
  });

  it("a query parameter given twice is a 400 naming it, on every query route", async () => {
    const routes: Array<[string, string[]]> = [
      ["/api/endpoints", ["type", "status", "q"]],
      [`/api/endpoints/${ids.xllm}/download/progress`, ["model"]],
      ["/api/requests", ["model", "endpoint_id", "status", "from", "to", "page", "page_size"]],
    ];
    for (const [path, keys] of routes) {
      for (const k of keys) {
        const r = await attempt("GET", `${path}?${k}=a&${k}=b`, {});
        expect(r.status, `${path} ${k}`).toBe(400);
        expect(r.body.error.details, `${path} ${k}`).toEqual([{ field: k, message: "given more than once" }]);
      }
    }
  });

  it("GET /api/requests?model=&endpoint_id=&status=&from=&to=&page=&page_size=", async () => {
    const q = queryString({
      model: fc.constantFrom("fuzz-model", ""),
      endpoint_id: fc.constantFrom(ids.openai ?? "x", "not-a-uuid"),
      status: fc.constantFrom("2xx", "5xx", "200", "xxx"),
      from: fc.constantFrom("2020-01-01T00:00:00Z", "yesterday", "1e309"),
      to: fc.constantFrom("2030-01-01T00:00:00Z", "-0"),
      page: fc.constantFrom("1", "0", "-1", "1e309", "NaN", "1.5", "99999999999"),
      page_size: fc.constantFrom("10", "0", "100000", "Infinity"),
    });
    await property(q, async (qs) => {
      const r = await attempt("GET", `/api/requests${qs}`, {});
      expect([200, 400], qs).toContain(r.status);
    });
  });
});

// ---------- /v1 ----------

const chatFields = (model: fc.Arbitrary<J>) => ({
  model,
  messages: fc.oneof(
    fc.constant<J>([
      {
        entries: [
          ["role", "user"],
          ["content", "hi"],
        ],
      },
    ]),
    fc.array(
      fc
        .record({ role: fc.constantFrom("user", "system", "tool", "🤖"), content: nastyString })
        .map((m): J => ({ entries: Object.entries(m) })),
      { maxLength: 3 },
    ),
  ),
  stream: fc.boolean() as fc.Arbitrary<J>,
  stream_options: fc.constant<J>({ entries: [["include_usage", true]] }),
  temperature: nastyNumber,
  max_tokens: nastyNumber,
});
const embedFields = (model: fc.Arbitrary<J>) => ({
  model,
  input: fc.oneof(nastyString, fc.array(nastyString, { maxLength: 3 })) as fc.Arbitrary<J>,
  encoding_format: fc.constantFrom<J>("float", "base64"),
});
const unknownModel: fc.Arbitrary<J> = fc.oneof(
  fc.string({ maxLength: 30 }).map((m) => `fz-unknown-${m}`),
  fc.constantFrom<J>("", " ", "\u0000", "fuzz-model ", "FUZZ-MODEL", "../fuzz-model"),
);

describe("/v1 with adversarial bodies", () => {
  it("POST /v1/chat/completions and /v1/embeddings: rejected requests in OpenAI's shape, nothing written", async () => {
    const arb = fc.oneof(
      fuzzBody(chatFields(unknownModel)).map((raw) => ["/v1/chat/completions", raw] as const),
      fuzzBody(embedFields(unknownModel)).map((raw) => ["/v1/embeddings", raw] as const),
    );
    await property(
      arb,
      async ([path, raw]) => {
        const r = await attempt("POST", path, { raw }, expectV1Shape);
        expect(r.status, raw.slice(0, 200)).toBeGreaterThanOrEqual(400);
      },
      40,
    );
  });

  it("GET /v1/models/{id} with adversarial ids", async () => {
    await property(nastyId.filter(decodes), async (id) => {
      const r = await attempt("GET", `/v1/models/${id}`, {}, expectV1Shape);
      expect(r.status, id).toBe(404);
    });
  });

  it("GET /v1/models/{id} whose percent-encoding does not decode is a 400, not a 500", async () => {
    for (const id of ["%E0%A4%A", "%", "a%zz"]) {
      const r = await attempt("GET", `/v1/models/${id}`, {}, expectV1Shape);
      expect(r.status, id).toBe(400);
    }
  });

  it("stream:true with a 5,000-level nested field is not a 500 (the usage option is injected into the body)", async () => {
    for (const nested of deep()) {
      const raw = toJson({
        entries: [
          ["model", "fuzz-model"],
          ["messages", []],
          ["stream", true],
          ["metadata", nested],
        ],
      });
      const r = await call(s.url, "POST", "/v1/chat/completions", { key: KEY, raw });
      expect(r.status, r.text.slice(0, 300)).toBeLessThan(500);
    }
  });

  it("a served model with adversarial other fields (deep nesting, huge strings, odd numbers) is never a 5xx", async () => {
    const extra = fc.oneof(anyJ, fc.constantFrom(...deep()));
    const arb = fc.oneof(
      fc.tuple(
        fc.constant("/v1/chat/completions"),
        fc.record(chatFields(fc.constant<J>("fuzz-model"))),
        fc.array(fc.tuple(fc.string({ maxLength: 8 }), extra), { maxLength: 2 }),
      ),
      fc.tuple(
        fc.constant("/v1/embeddings"),
        fc.record(embedFields(fc.constant<J>("fuzz-embed"))),
        fc.array(fc.tuple(fc.string({ maxLength: 8 }), extra), { maxLength: 2 }),
      ),
    );
    await property(
      arb,
      async ([path, fields, more]) => {
        const raw = toJson({ entries: [...Object.entries(fields), ...more] });
        const r = await call(s.url, "POST", path, { key: KEY, raw });
        expect(r.status, `${path} ${raw.slice(0, 300)} → ${r.text.slice(0, 300)}`).toBeLessThan(500);
        if (r.status >= 400) expectV1Shape(r, path);
      },
      20,
    );
  });
});

// ---------- valid input round-trips ----------

describe("random valid endpoints (127.0.0.1 only)", () => {
  it("register → 201 (or 409 on a clash), read back normalised, delete → 204", async () => {
    const valid = fc.record({
      name: fc.string({ minLength: 1, maxLength: 90 }).filter((x) => x.trim().length > 0 && !x.includes("\u0000")),
      base_url: loopbackUrl,
      api_key: fc.option(
        fc.string({ minLength: 1, maxLength: 40 }).filter((x) => x.trim().length > 0),
        { nil: undefined },
      ),
      health_check_interval_secs: fc.option(fc.integer({ min: 10, max: 300 }), { nil: undefined }),
      inference_timeout_secs: fc.option(fc.integer({ min: 10, max: 600 }), { nil: undefined }),
      max_concurrency: fc.option(fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.constant(null)), { nil: undefined }),
      notes: fc.option(fc.oneof(fc.string({ maxLength: 200 }), fc.constant(null)), { nil: undefined }),
    });
    await property(
      valid,
      async (input) => {
        const r = await call(s.url, "POST", "/api/endpoints", { key: KEY, body: input });
        expect([201, 409], `${JSON.stringify(input)} → ${r.text.slice(0, 300)}`).toContain(r.status);
        if (r.status === 409) return;
        const u = new URL(input.base_url.trim());
        // normalised: no trailing slash, and no trailing /v1 (the SDK's base URL; the load balancer adds /v1 itself)
        expect(r.body.base_url).toBe(
          `${u.protocol}//${u.host}${u.pathname.replace(/\/v1\/*$/i, "").replace(/\/+$/, "")}`,
        );
        expect(new URL(r.body.base_url).hostname).toBe("127.0.0.1");
        expect(r.body.name).toBe(input.name.trim());
        expect(r.body.has_api_key).toBe(input.api_key !== undefined);
        expect(r.body.health_check_interval_secs).toBe(input.health_check_interval_secs ?? 300);
        expect(r.body.notes).toBe(input.notes ?? null);
        expect(r.text).not.toContain(`"api_key"`);
        const got = await call(s.url, "GET", `/api/endpoints/${r.body.id}`, { key: KEY });
        expect(got.body.name).toBe(r.body.name);
        expect((await call(s.url, "DELETE", `/api/endpoints/${r.body.id}`, { key: KEY })).status).toBe(204);
      },
      15,
    );
  });
});
