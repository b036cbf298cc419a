import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upstreamJson, LIST_LIMIT } from "./upstream-http";
import { createEndpointSchema } from "./schema";

// WHATWG fetch refuses these ports outright ("fetch failed"); real inference servers do listen on some of them.
const BAD_PORTS = [6665, 6666, 6667, 6668, 6669, 6000, 10080, 5060];

let server: http.Server;
let port = 0;
const seen: http.IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === "/v1/models")
      return void res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ data: [{ id: "m1" }] }));
    if (req.url === "/big") return void res.writeHead(200, { "content-length": String(LIST_LIMIT + 1) }).end();
    res.writeHead(404).end("nope");
  });
  for (const p of BAD_PORTS) {
    const ok = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(p, "127.0.0.1", () => resolve(true));
    });
    if (ok) {
      port = (server.address() as AddressInfo).port;
      break;
    }
  }
  if (!port) throw new Error(`none of the bad ports ${BAD_PORTS.join(", ")} is free on 127.0.0.1`);
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("upstreamJson", () => {
  it("reaches a server on a WHATWG bad port (fetch would refuse it)", async () => {
    const r = await upstreamJson(`http://127.0.0.1:${port}`, "/v1/models", { timeoutMs: 2000, apiKey: "k1" });
    expect(r).toMatchObject({ kind: "ok", status: 200, json: { data: [{ id: "m1" }] } });
    expect(seen.at(-1)).toMatchObject({ authorization: "Bearer k1", "x-llmlb-via": expect.any(String) });
  });

  it("says what happened and what to do: refused, unknown host, bad status, too large", async () => {
    const refused = await upstreamJson("http://127.0.0.1:9", "/v1/models", { timeoutMs: 2000 });
    expect(refused).toMatchObject({
      kind: "unreachable",
      error: "Nothing is listening on 127.0.0.1:9. Is the server running, and on this port?",
    });
    const typo = await upstreamJson("http://locahost.invalid:11434", "/v1/models", { timeoutMs: 3000 });
    expect(typo).toMatchObject({
      kind: "unreachable",
      error: "Host 'locahost.invalid' was not found. Check the spelling of the address.",
    });
    const missing = await upstreamJson(`http://127.0.0.1:${port}`, "/nothing", { timeoutMs: 2000 });
    expect(missing).toMatchObject({
      kind: "bad",
      status: 404,
      error: "/nothing answered HTTP 404. Check that the URL is the server's root address.",
    });
    const big = await upstreamJson(`http://127.0.0.1:${port}`, "/big", { timeoutMs: 2000, maxBytes: LIST_LIMIT });
    expect(big).toMatchObject({ kind: "bad", error: expect.stringMatching(/too large.*8 MiB/) });
  });
});

describe("base URL", () => {
  it("drops a trailing /v1 (the SDK's base URL): the load balancer adds /v1 itself", () => {
    const parse = (base_url: string) => createEndpointSchema.parse({ name: "a", base_url }).base_url;
    expect(parse("http://127.0.0.1:8000/v1")).toBe("http://127.0.0.1:8000");
    expect(parse("http://127.0.0.1:8000/v1/")).toBe("http://127.0.0.1:8000");
    expect(parse("https://api.example.com/openai/v1")).toBe("https://api.example.com/openai");
    expect(parse("http://127.0.0.1:8000/v10")).toBe("http://127.0.0.1:8000/v10");
  });
});
