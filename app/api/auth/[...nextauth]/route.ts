import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { gateCredentialsLogin } from "@/lib/auth/login-gate";

type Ctx = { params: Promise<{ nextauth: string[] }> };

const handler = (req: NextRequest, ctx: Ctx) => NextAuth(authOptions())(req, ctx);

export const GET = handler;

/** Credential logins pass the gate first: repeated credential fields are refused, failed logins rate-limited. */
export async function POST(req: NextRequest, ctx: Ctx) {
  // next-auth routes on the decoded segments (action, provider), not on the raw path: so must the gate
  const [action, provider] = (await ctx.params).nextauth ?? [];
  if (action === "callback" && provider === "credentials") {
    const refused = await gateCredentialsLogin(req);
    if (refused) return refused;
  }
  return handler(req, ctx);
}
