import { describe, expect, it } from "vitest";
import { clientResponseHeaders, scanClientHeaders } from "./headers";

describe("scanClientHeaders", () => {
  it("forwards the client's own headers, not hop-by-hop ones, credentials, ours or the browser's", () => {
    const h = scanClientHeaders([
      "Host",
      "lb:32768",
      "Content-Type",
      "application/json",
      "Content-Length",
      "12",
      "Authorization",
      "Bearer sk_a",
      "Authorization",
      "Bearer sk_b",
      "X-Api-Key",
      "sk_c",
      "Cookie",
      "a=1",
      "Cookie",
      "b=2",
      "X-LLMLB-Endpoint",
      "ep-1",
      "X-LLMLB-Client-Ip",
      "1.2.3.4",
      "Sec-Fetch-Site",
      "same-origin",
      "Origin",
      "http://x",
      "User-Agent",
      "t/1",
      "X-Request-Id",
      "trace-1",
      "Connection",
      "keep-alive",
      "Keep-Alive",
      "timeout=5",
    ]);
    expect(h.forward).toEqual(["content-type", "application/json", "user-agent", "t/1"]);
    expect({ auth: h.authorization, key: h.apiKey, cookie: h.cookie, id: h.requestId, pin: h.pin }).toEqual({
      auth: "Bearer sk_a",
      key: "sk_c",
      cookie: "a=1; b=2",
      id: "trace-1",
      pin: "ep-1",
    });
  });
  it("drops what the Connection header lists, and a request id sent twice", () => {
    const h = scanClientHeaders([
      "X-Foo",
      "1",
      "X-Bar",
      "2",
      "Connection",
      "keep-alive, X-Foo",
      "X-Request-Id",
      "a",
      "X-Request-Id",
      "b",
    ]);
    expect(h.forward).toEqual(["x-bar", "2"]);
    expect(h.requestId).toBeNull();
  });
  it("answers Expect and Accept-Encoding itself, and reads the clusters the request passed through", () => {
    const h = scanClientHeaders([
      "Expect",
      "100-continue",
      "Accept-Encoding",
      "gzip, deflate",
      "X-LLMLB-Via",
      "aaaaaaaaaaaaaaaa",
      "x-llmlb-via",
      "bbbbbbbbbbbbbbbb",
      "X-Foo",
      "1",
    ]);
    expect(h.forward).toEqual(["x-foo", "1"]);
    expect(h.via).toBe("aaaaaaaaaaaaaaaa,bbbbbbbbbbbbbbbb");
  });
});

describe("clientResponseHeaders", () => {
  it("passes the upstream's headers on without hop-by-hop ones, cookies, server or its request id, and adds ours", () => {
    const out = clientResponseHeaders(
      {
        "content-type": "application/json",
        "content-length": "9",
        connection: "keep-alive, x-hop",
        "x-hop": "1",
        "keep-alive": "timeout=5",
        server: "u",
        "set-cookie": ["a=1"],
        "x-request-id": "theirs",
        "x-extra": ["p", "q"],
      },
      "ours",
      "ep-1",
      "n%20a",
    );
    expect(out).toEqual([
      "x-request-id",
      "ours",
      "content-type",
      "application/json",
      "x-extra",
      ["p", "q"],
      "x-llmlb-endpoint-id",
      "ep-1",
      "x-llmlb-endpoint-name",
      "n%20a",
    ]);
  });
  it("never passes on what only this server may say, the upstream's encoding or a redirect's location", () => {
    const out = clientResponseHeaders(
      {
        "x-llmlb-endpoint-id": "spoofed",
        "x-llmlb-endpoint-name": "spoofed",
        "x-llmlb-anything": "1",
        "content-encoding": "gzip",
        location: "http://127.0.0.1:1/elsewhere",
        "x-ok": "1",
      },
      "ours",
      "ep-1",
      "n",
    );
    expect(out).toEqual([
      "x-request-id",
      "ours",
      "x-ok",
      "1",
      "x-llmlb-endpoint-id",
      "ep-1",
      "x-llmlb-endpoint-name",
      "n",
    ]);
  });
});
