// Issue 19: an SDK whose base URL lacks /v1 got Next's 10 KB HTML 404; API-looking requests outside the app now
// get a small JSON 404 that names the base URL to use. Pages keep their HTML. The favicon is served.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.stop());

describe("JSON 404 for API-looking requests", () => {
  it("answers an SDK call without /v1 in JSON, naming the base URL", async () => {
    const res = await fetch(`${s.url}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk_x", "content-type": "application/json", "x-request-id": "abc" },
      body: JSON.stringify({ model: "m", messages: [] }),
    });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const text = await res.text();
    expect(text.length).toBeLessThan(500);
    const body = JSON.parse(text);
    expect(body.error).toMatchObject({ code: "not_found", request_id: "abc" });
    expect(body.error.message).toContain("/v1");
    for (const [method, path, headers] of [
      ["GET", "/models", {}],
      ["GET", "/nothing-here", { authorization: "Bearer sk_x" }],
      ["GET", "/nothing-here", { accept: "application/json" }],
      ["DELETE", "/nothing-here", {}],
    ] as const) {
      const r = await fetch(`${s.url}${path}`, { method, headers });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.headers.get("content-type"), `${method} ${path}`).toMatch(/^application\/json/);
    }
  });

  it("leaves browser navigation to pages alone, and serves a favicon", async () => {
    const page = await fetch(`${s.url}/nothing-here`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const login = await fetch(`${s.url}/login`, { headers: { accept: "text/html" } });
    expect(login.status).toBe(200);
    const html = await login.text();
    const icon = /<link rel="icon" href="([^"]+)"/.exec(html);
    expect(icon, "a <link rel=icon> on every page").not.toBeNull();
    const res = await fetch(new URL(icon![1].replace(/&amp;/g, "&"), s.url));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/image\/svg/);
  });
});
