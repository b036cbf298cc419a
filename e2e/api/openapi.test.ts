// The OpenAPI 3.1 document at GET /api/openapi.json: valid (@readme/openapi-parser), covering every route of the
// README's API table and of app/api, and describing the requests the seed quickstart and the OpenAI SDK send.
import fs from "node:fs";
import path from "node:path";
import { dereference, validate } from "@readme/openapi-parser";
import Ajv2020 from "ajv/dist/2020";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { apiRouteInventory } from "../harness/principals";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SEED = path.resolve(ROOT, "../shared/seed/quickstart.ja.md");
type Doc = {
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content: Record<string, { schema: object }> };
        parameters?: { in: string; name: string; schema: object }[];
      }
    >
  >;
};
let s: TestServer;
let doc: Doc;
let deref: Doc;

beforeAll(async () => {
  s = await startServer();
  const res = await fetch(`${s.url}/api/openapi.json`); // no credential
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
  deref = (await dereference(structuredClone(doc) as never)) as unknown as Doc;
});
afterAll(() => s?.stop());

/** The document's path template that `urlPath` matches (`/api/endpoints/abc` → `/api/endpoints/{id}`). */
function templateFor(urlPath: string): string | undefined {
  const exact = Object.keys(doc.paths).find((p) => p === urlPath);
  if (exact) return exact;
  return Object.keys(doc.paths).find((p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(urlPath));
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
/** Checks one request against the document: a path and method it describes, a body and query its schemas accept. */
function check(method: string, url: string, body?: unknown): string[] {
  const u = new URL(url, "http://127.0.0.1");
  const template = templateFor(decodeURIComponent(u.pathname));
  if (!template) return [`${method} ${u.pathname}: no such path`];
  const op = deref.paths[template][method.toLowerCase()];
  if (!op) return [`${method} ${template}: no such operation`];
  const problems: string[] = [];
  for (const [name, value] of u.searchParams) {
    const param = op.parameters?.find((p) => p.in === "query" && p.name === name);
    if (!param) problems.push(`${method} ${template}: unknown query parameter ${name}`);
    else if (!ajv.validate(param.schema, value)) problems.push(`${method} ${template} ?${name}: ${ajv.errorsText()}`);
  }
  const schema = op.requestBody?.content["application/json"]?.schema;
  if (body !== undefined && !schema) problems.push(`${method} ${template}: takes no body`);
  if (schema && !ajv.validate(schema, body ?? {})) problems.push(`${method} ${template}: ${ajv.errorsText()}`);
  return problems;
}

describe("GET /api/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    expect((doc as unknown as { openapi: string }).openapi).toMatch(/^3\.1\./);
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, JSON.stringify(result)).toBe(true);
  });

  it("covers every route of the README's API table", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("| route | permission |"), readme.indexOf("How `/v1` treats"));
    const routes: string[] = [];
    for (const line of table.split("\n").filter((l) => l.startsWith("| `"))) {
      let methods: string[] = [];
      let last = "";
      for (const [, token] of line.split("|")[1].matchAll(/`([^`]+)`/g)) {
        const m = /^([A-Z/]+)\s+(.*)$/.exec(token);
        if (m) methods = m[1].split("/");
        let p = (m ? m[2] : token).replace(/\?.*$/, "");
        // "`/sync`" or "`…/download/progress`" after a full path: replaces its last segment
        if (!/^\/(api|v1|metrics)\b/.test(p)) p = last.replace(/\/[^/]+$/, "") + p.replace(/^…/, "");
        last = p;
        routes.push(...methods.map((method) => `${method} ${p}`));
      }
    }
    expect(routes.length).toBeGreaterThan(30);
    const missing = routes.filter((r) => {
      const [method, p] = r.split(" ");
      return !doc.paths[p]?.[method.toLowerCase()];
    });
    expect(missing).toEqual([]);
  });

  it("covers every handler under app/api (next-auth's own routes and the 404 catch-all aside)", () => {
    const inDoc = new Set(
      Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, "[$1]")}`),
      ),
    );
    const missing = apiRouteInventory().filter((r) => !r.includes("[...") && !inDoc.has(r));
    expect(missing).toEqual([]);
  });

  it("describes the seed quickstart's requests", () => {
    const text = fs.readFileSync(SEED, "utf8");
    // each command runs from "curl" to the end of its code block (a -d body spans lines without a backslash)
    const requests = [...text.matchAll(/curl ([\s\S]*?)(?=\ncurl |```)/g)].map(([, cmd]) => {
      const flat = cmd.replace(/\\\n/g, " ");
      const method = /-X (\w+)/.exec(flat)?.[1] ?? "GET";
      const url = /(https?:\/\/localhost:32768[^\s"']*)|"(https?:\/\/localhost:32768[^"]*)"/.exec(flat)!;
      const data = /-d '([^']*)'/.exec(flat)?.[1];
      return {
        method,
        url: (url[1] ?? url[2]).replace(/\{(\w+)\}/g, "x-$1"),
        body: data ? JSON.parse(data) : undefined,
      };
    });
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.flatMap((r) => check(r.method, r.url, r.body))).toEqual([]);
  });

  it("describes the OpenAI SDK's requests", async () => {
    const sent: { method: string; url: string; body?: unknown }[] = [];
    const client = new OpenAI({
      apiKey: "sk_debug",
      baseURL: "http://127.0.0.1:9/v1",
      maxRetries: 0,
      fetch: async (url, init) => {
        sent.push({
          method: init?.method ?? "GET",
          url: String(url),
          body: init?.body ? JSON.parse(String(init.body)) : undefined,
        });
        return new Response(JSON.stringify({ object: "list", data: [] }), {
          headers: { "content-type": "application/json" },
        });
      },
    });
    await client.models.list();
    await client.models.retrieve("llama3.1:8b");
    await client.chat.completions.create({
      model: "m",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: [{ type: "text", text: "hi" }] },
      ],
      temperature: 0.2,
      max_tokens: 5,
    });
    await client.completions.create({ model: "m", prompt: "Once", max_tokens: 5 });
    await client.embeddings.create({ model: "m", input: ["a", "b"] });
    await client.responses.create({ model: "m", input: "hi" });
    expect(sent.length).toBe(6);
    expect(sent.flatMap((r) => check(r.method, r.url, r.body))).toEqual([]);
    // and a request the document does not describe is caught
    expect(check("POST", "/v1/chat/completions", { messages: [] })).not.toEqual([]);
  });
});
