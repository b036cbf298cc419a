import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { loginLimiter, loginLimitKey } from "@/lib/auth/login-limit";
import { ApiError } from "@/lib/errors";
import { json } from "@/lib/http";

type Ctx = { params: Promise<{ nextauth: string[] }> };

const handler = (req: NextRequest, ctx: Ctx) => NextAuth(authOptions())(req, ctx);

export const GET = handler;

/**
 * The username a login attempt carries, read exactly as next-auth reads the body (JSON or form-encoded), so that
 * no body format slips past the limiter.
 */
async function attemptedUsername(req: NextRequest): Promise<string> {
  const type = req.headers.get("content-type") ?? "";
  try {
    if (type.includes("application/json")) {
      const body: unknown = await req.clone().json();
      return typeof body === "object" && body !== null ? String((body as Record<string, unknown>).username ?? "") : "";
    }
    if (type.includes("application/x-www-form-urlencoded")) return new URLSearchParams(await req.clone().text()).get("username") ?? "";
  } catch {
    /* unparseable: next-auth sees no credentials either */
  }
  return "";
}

/** Credential logins are refused with 429 once a client IP + username has failed 5 times in a minute. */
export async function POST(req: NextRequest, ctx: Ctx) {
  // next-auth routes on the decoded segments (action, provider), not on the raw path: so must the limiter
  const [action, provider] = (await ctx.params).nextauth ?? [];
  if (action === "callback" && provider === "credentials") {
    const key = loginLimitKey(req.headers, await attemptedUsername(req));
    const wait = loginLimiter().retryAfter(key);
    if (wait > 0) {
      const err = new ApiError("rate_limited", "too many failed logins; try again later", { retry_after_secs: wait });
      // `url` lets next-auth's signIn() on the login page read the outcome instead of throwing.
      return json({ ...err.toJSON(), url: new URL("/login?error=RateLimited", req.url).href }, 429, { "retry-after": String(wait) });
    }
  }
  return handler(req, ctx);
}
