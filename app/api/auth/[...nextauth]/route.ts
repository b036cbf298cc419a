import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { loginLimiter, loginLimitKey } from "@/lib/auth/login-limit";
import { ApiError } from "@/lib/errors";
import { json } from "@/lib/http";

type Ctx = { params: Promise<{ nextauth: string[] }> };

const handler = (req: NextRequest, ctx: Ctx) => NextAuth(authOptions())(req, ctx);

export const GET = handler;

/** Credential logins are refused with 429 once a client IP + username has failed 5 times in a minute. */
export async function POST(req: NextRequest, ctx: Ctx) {
  if (req.nextUrl.pathname.endsWith("/callback/credentials")) {
    const form = await req.clone().formData().catch(() => null);
    const key = loginLimitKey(req.headers, String(form?.get("username") ?? ""));
    const wait = loginLimiter().retryAfter(key);
    if (wait > 0) {
      const err = new ApiError("rate_limited", "too many failed logins; try again later", { retry_after_secs: wait });
      // `url` lets next-auth's signIn() on the login page read the outcome instead of throwing.
      return json({ ...err.toJSON(), url: new URL("/login?error=RateLimited", req.url).href }, 429, { "retry-after": String(wait) });
    }
  }
  return handler(req, ctx);
}
