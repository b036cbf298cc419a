import { describe, expect, it } from "vitest";
import { finalError, judge, type Failure } from "./failover";
import { V1_ERRORS, v1Error, type V1ErrorCode } from "./errors";

describe("judge: one row per kind of failure", () => {
  it.each<[string, Failure, { retry: boolean; blame: string | null }]>([
    [
      "undici refused to send it",
      { kind: "unsendable", reason: "expect header not supported" },
      { retry: false, blame: null },
    ],
    [
      "no connection",
      { kind: "connect", reason: "Error: ECONNREFUSED" },
      { retry: true, blame: "Error: ECONNREFUSED" },
    ],
    ["no headers in time", { kind: "timeout" }, { retry: true, blame: "timed out waiting for the upstream" }],
    [
      "a 2xx that is not JSON",
      { kind: "unreadable", reason: "answered 2xx with something that is not JSON" },
      { retry: true, blame: "answered 2xx with something that is not JSON" },
    ],
    ["429", { kind: "status", status: 429, retryAfter: "3" }, { retry: true, blame: null }],
    ["500", { kind: "status", status: 500, retryAfter: null }, { retry: true, blame: "HTTP 500 from a live request" }],
    ["503", { kind: "status", status: 503, retryAfter: "5" }, { retry: true, blame: "HTTP 503 from a live request" }],
    ["307", { kind: "status", status: 307, retryAfter: null }, { retry: true, blame: null }],
  ])("%s", (_, failure, verdict) => {
    expect(judge(failure)).toEqual(verdict);
  });
});

describe("finalError: what the client gets when no endpoint answered", () => {
  const status = (s: number, retryAfter: string | null = null): Failure => ({ kind: "status", status: s, retryAfter });
  it.each<[string, Failure[], { code: V1ErrorCode; status: number; retryAfter?: string }]>([
    ["nothing tried", [], { code: "upstream_unreachable", status: 502, retryAfter: "5" }],
    [
      "connection failures",
      [
        { kind: "connect", reason: "x" },
        { kind: "connect", reason: "y" },
      ],
      { code: "upstream_unreachable", status: 502, retryAfter: "5" },
    ],
    [
      "a timeout last",
      [{ kind: "connect", reason: "x" }, { kind: "timeout" }],
      { code: "upstream_timeout", status: 504 },
    ],
    ["a 429 with Retry-After", [status(429, "7")], { code: "rate_limited", status: 429, retryAfter: "7" }],
    [
      "a 503, then a connection failure: the answer says more",
      [status(503, "2"), { kind: "connect", reason: "x" }],
      { code: "upstream_error", status: 503, retryAfter: "2" },
    ],
    ["a 500 after a 429: the last answer", [status(429, "1"), status(500)], { code: "upstream_error", status: 500 }],
    ["a redirect", [status(302)], { code: "upstream_redirect", status: 502 }],
    [
      "unsendable",
      [{ kind: "unsendable", reason: "invalid header key" }],
      { code: "unforwardable_request", status: 400 },
    ],
    [
      "not JSON",
      [{ kind: "unreadable", reason: "not JSON" }],
      { code: "upstream_unreachable", status: 502, retryAfter: "5" },
    ],
  ])("%s", (_, failures, want) => {
    const e = finalError(failures, "m");
    expect({ code: e.code, status: e.status, retryAfter: e.headers?.["retry-after"] }).toEqual({
      code: want.code,
      status: want.status,
      retryAfter: want.retryAfter,
    });
  });
});

describe("the catalogue", () => {
  it("every code builds an error in OpenAI's terms, with its status and a message", () => {
    for (const code of Object.keys(V1_ERRORS) as V1ErrorCode[]) {
      const e = v1Error(code, {
        model: "m",
        status: 503,
        method: "GET",
        route: "/v1/x",
        permission: "p",
        hops: 1,
        reason: "r",
      });
      expect(e.code).toBe(code);
      expect(e.status).toBeGreaterThanOrEqual(400);
      expect(e.message.length).toBeGreaterThan(0);
      expect(e.message).not.toContain("undefined");
    }
  });
  it("passes an upstream's status and Retry-After on only where the catalogue says so", () => {
    expect(v1Error("upstream_error", { model: "m", status: 503, retryAfter: "9" })).toMatchObject({
      status: 503,
      headers: { "retry-after": "9" },
    });
    expect(v1Error("upstream_timeout", { retryAfter: "9" }).headers).toBeUndefined();
  });
});
