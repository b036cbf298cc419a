import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiError, requestIdOf } from "./errors";
import { errorResponse } from "./http";

const req = (id?: string) => new Request("http://127.0.0.1/api/x", { headers: id ? { "x-request-id": id } : {} });

describe("the one /api error shape", () => {
  it("carries the request id when the request has one", async () => {
    const res = errorResponse(new ApiError("not_found", "endpoint not found"), req("abc-123"));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: "not_found", message: "endpoint not found", request_id: "abc-123" },
    });
  });

  it("leaves it out without one, and for an id that is not a plain token", async () => {
    expect(await errorResponse(new ApiError("forbidden", "no"), req()).json()).toEqual({
      error: { code: "forbidden", message: "no" },
    });
    expect(requestIdOf(new Headers({ "x-request-id": "<script>" }))).toBeNull();
  });

  it("maps zod failures and unknown errors through the same shape", async () => {
    const zodErr = z.object({ a: z.string() }).safeParse({}).error!;
    expect((await errorResponse(zodErr, req("r1")).json()).error).toMatchObject({
      code: "validation_error",
      request_id: "r1",
    });
    const res = errorResponse(new Error("secret detail"), req("r2"));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: "internal", message: "internal error", request_id: "r2" } });
  });
});
