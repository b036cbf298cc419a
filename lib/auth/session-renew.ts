import "server-only";
import type { NextRequest } from "next/server";
import { encode } from "next-auth/jwt";
import { env } from "../env";
import { getDb } from "../runtime";
import { strictDecode } from "./session-decoder";
import type { Principal } from "./permissions";
import { SESSION_COOKIES } from "./session-principal";
import { getUser } from "./users";

/**
 * A password change ends every session issued before it (the credential version moved on): the session that made
 * the change, the user's own, gets a fresh cookie on `res` carrying the new version, so it carries on signed in.
 * Nothing for an API key, or for a change to someone else's password.
 */
export async function renewOwnSession({
  req,
  actor,
  userId,
  res,
}: {
  req: NextRequest;
  actor: Principal;
  userId: string;
  res: Response;
}): Promise<Response> {
  if (actor.kind !== "user" || actor.id !== userId) return res;
  const name = SESSION_COOKIES.find((n) => req.cookies.has(n));
  const secret = env().LLMLB_SECRET;
  const token = name ? await strictDecode({ token: req.cookies.get(name)?.value, secret }) : null;
  const user = token?.uid === userId ? await getUser(await getDb(), userId) : undefined;
  if (!name || !token || !user) return res;
  const maxAge = env().LLMLB_SESSION_MAX_AGE_SECS;
  const value = await encode({
    token: { ...token, cv: user.credentialVersion, mustChangePassword: user.mustChangePassword, role: user.role },
    secret,
    maxAge,
  });
  const expires = new Date(Date.now() + maxAge * 1000).toUTCString();
  // the attributes next-auth gives its session cookie
  res.headers.append(
    "set-cookie",
    `${name}=${value}; Path=/; Expires=${expires}; HttpOnly; SameSite=Lax${name.startsWith("__Secure-") ? "; Secure" : ""}`,
  );
  return res;
}
