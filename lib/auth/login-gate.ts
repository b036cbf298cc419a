import "server-only";
import type { NextRequest } from "next/server";
import { ApiError, requestIdOf } from "../errors";
import { json } from "../http";
import { parseLoginBody, loginCredentials } from "./login-body";
import { loginLimiter, loginLimitKey } from "./login-limit";

/** `url` lets next-auth's signIn() on the login page read the outcome instead of throwing. */
function refuse(req: NextRequest, err: ApiError, error: string): Response {
  return json(
    { ...err.toJSON(requestIdOf(req.headers)), url: new URL(`/login?error=${error}`, req.url).href },
    err.status,
    err.headers,
  );
}

/**
 * What a credentials sign-in meets before next-auth: a body repeating username, password or csrfToken is refused
 * (400) without an attempt; a client IP + username that failed 5 times in a minute gets 429. The username is read
 * from the body exactly as next-auth parses it for authorize(), which counts the failures and checks the limit
 * again on its own copy. Null: let next-auth answer.
 */
export async function gateCredentialsLogin(req: NextRequest): Promise<Response | null> {
  const body = parseLoginBody(req.headers.get("content-type"), await req.clone().text());
  if (!body.ok) {
    const err = new ApiError("validation_error", `${body.repeated}: given more than once`, [
      { field: body.repeated, message: "given more than once" },
    ]);
    return refuse(req, err, "CredentialsSignin");
  }
  const wait = loginLimiter().retryAfter(loginLimitKey(req.headers, loginCredentials(body.fields).username));
  if (wait === 0) return null;
  const err = new ApiError(
    "rate_limited",
    "too many failed logins; try again later",
    { retry_after_secs: wait },
    { "retry-after": String(wait) },
  );
  return refuse(req, err, "RateLimited");
}
