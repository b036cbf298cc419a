import { describe, expect, it } from "vitest";
import { V1_ERRORS, v1Error, type V1ErrorCode } from "../errors";
import { ANTHROPIC_ERRORS, anthropicError, typeOfStatus, upstreamErrorBody } from "./errors";

describe("the catalogue in Anthropic's shape", () => {
  it.each<[V1ErrorCode, number, string]>([
    ["invalid_api_key", 401, "authentication_error"],
    ["forbidden", 403, "permission_error"],
    ["model_not_found", 404, "not_found_error"],
    ["not_found", 404, "not_found_error"],
    ["invalid_json", 400, "invalid_request_error"],
    ["invalid_request", 400, "invalid_request_error"],
    ["payload_too_large", 413, "request_too_large"],
    ["rate_limited", 429, "rate_limit_error"],
    ["queue_full", 529, "overloaded_error"],
    ["queue_timeout", 529, "overloaded_error"],
    ["upstream_unreachable", 502, "api_error"],
    ["internal_error", 500, "api_error"],
  ])("%s → %i %s, the catalogue's message", (code, status, type) => {
    const e = v1Error(code, {
      model: "m",
      permission: "openai.inference",
      reason: "r",
      method: "POST",
      route: "/v1/x",
    });
    const out = anthropicError(e);
    expect(out.status).toBe(status);
    expect(JSON.parse(out.body)).toEqual({ type: "error", error: { type, message: e.message } });
  });

  it("maps every code of the catalogue", () => {
    expect(Object.keys(ANTHROPIC_ERRORS).sort()).toEqual(Object.keys(V1_ERRORS).sort());
  });

  it.each([
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [403, "permission_error"],
    [404, "not_found_error"],
    [413, "request_too_large"],
    [422, "invalid_request_error"],
    [429, "rate_limit_error"],
    [500, "api_error"],
    [529, "overloaded_error"],
  ])("an upstream's %i is %s", (status, type) => expect(typeOfStatus(status)).toBe(type));

  it("re-shapes an upstream's error answer", () => {
    expect(
      JSON.parse(
        upstreamErrorBody(400, Buffer.from('{"error":{"message":"context too long","type":"invalid_request_error"}}')),
      ),
    ).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: "context too long" },
    });
    expect(JSON.parse(upstreamErrorBody(404, Buffer.from('{"error":"model not found"}'))).error.message).toBe(
      "model not found",
    );
    expect(JSON.parse(upstreamErrorBody(400, Buffer.from("<html>"))).error.message).toBe(
      "The upstream endpoint answered HTTP 400.",
    );
  });
});
