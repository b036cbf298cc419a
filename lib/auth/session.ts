import "server-only";
import { cookies, headers } from "next/headers";
import { getToken } from "next-auth/jwt";
import { env } from "../env";
import { getDb } from "../runtime";
import type { Role } from "../db/constants";
import { strictDecode } from "./options";
import { getUser } from "./users";
import type { Principal } from "./permissions";
import { principalForSession, type SessionClaims } from "./session-principal";

export interface SessionUser {
  id: string;
  name: string;
  role: Role;
  mustChangePassword: boolean;
}

/** The principal of a decoded session token, judged against the user's row read fresh from the database. */
export async function sessionPrincipal(token: SessionClaims | null): Promise<Principal | null> {
  if (!token?.uid) return null;
  return principalForSession(token, await getUser(await getDb(), token.uid));
}

/** The signed-in dashboard user (a deleted user's cookie, or one from before a password change, is worthless). */
export async function currentUser(): Promise<SessionUser | null> {
  const req = { cookies: await cookies(), headers: Object.fromEntries(await headers()) };
  const p = await sessionPrincipal(await getToken({ req: req as unknown as Parameters<typeof getToken>[0]["req"], secret: env().LLMLB_SECRET, decode: strictDecode }));
  return p?.role ? { id: p.id, name: p.name, role: p.role, mustChangePassword: p.mustChangePassword ?? false } : null;
}
