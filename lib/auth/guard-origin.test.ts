import { describe, expect, it } from "vitest";
import { isSameOrigin } from "./guard-origin";

const h = (headers: Record<string, string>) => ({ get: (name: string) => headers[name] ?? null });

describe("isSameOrigin", () => {
  it("accepts an Origin naming the Host the server received", () => {
    expect(isSameOrigin(h({ origin: "http://lb.local:32768", host: "lb.local:32768" }))).toBe(true);
  });

  it("refuses another origin, even with a forged X-Forwarded-Host naming it", () => {
    expect(isSameOrigin(h({ origin: "http://evil.example", host: "lb.local:32768" }))).toBe(false);
    expect(
      isSameOrigin(h({ origin: "http://evil.example", host: "lb.local:32768", "x-forwarded-host": "evil.example" })),
    ).toBe(false);
  });

  it("accepts the configured public URL (a proxy that rewrites Host), and only its origin", () => {
    const headers = { origin: "https://llm.example.com", host: "127.0.0.1:32768" };
    expect(isSameOrigin(h(headers))).toBe(false);
    expect(isSameOrigin(h(headers), "https://llm.example.com/")).toBe(true);
    expect(isSameOrigin(h({ ...headers, origin: "http://llm.example.com" }), "https://llm.example.com")).toBe(false);
    expect(isSameOrigin(h({ ...headers, origin: "https://evil.example" }), "https://llm.example.com")).toBe(false);
  });

  it("without Origin, only a browser's Sec-Fetch-Site: same-origin passes; a malformed Origin never does", () => {
    expect(isSameOrigin(h({ host: "lb.local" }))).toBe(false);
    expect(isSameOrigin(h({ host: "lb.local", "sec-fetch-site": "same-origin" }))).toBe(true);
    expect(isSameOrigin(h({ host: "lb.local", origin: "null" }))).toBe(false);
  });
});
