import type { UserRow } from "../db/schema";
import { permissionsForRole, type Principal } from "./permissions";

/** The session cookie names next-auth uses (the __Secure- one over https). */
export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

/** What a session token says about its user (set at sign-in: lib/auth/options.ts). */
export interface SessionClaims {
  uid?: string;
  /** the user's credential version when the session was issued */
  cv?: number;
}

/** The part of a user's row a session is judged by (what the /v1 path keeps in memory). */
export type SessionUserState = Pick<UserRow, "id" | "username" | "role" | "mustChangePassword" | "credentialVersion">;

export const sessionUserState = (u: UserRow): SessionUserState => ({
  id: u.id,
  username: u.username,
  role: u.role,
  mustChangePassword: u.mustChangePassword,
  credentialVersion: u.credentialVersion,
});

/** A signed-in dashboard user as the program sees them: the one place a user's row becomes an identity. */
export type UserPrincipal = Principal & { kind: "user"; role: UserRow["role"]; mustChangePassword: boolean };

export const userPrincipal = (user: SessionUserState): UserPrincipal => ({
  kind: "user",
  id: user.id,
  name: user.username,
  role: user.role,
  permissions: permissionsForRole(user.role),
  mustChangePassword: user.mustChangePassword,
});

/**
 * The one answer to "whom does this session stand for", for the /api guard, the pages and /v1: the user as the
 * database has them now, or null when they are gone or their password changed since the session was issued (its
 * credential version differs). A token issued before versions existed counts as version 0. Pure.
 */
export function principalForSession(
  claims: SessionClaims,
  user: SessionUserState | null | undefined,
): UserPrincipal | null {
  if (!user || !claims.uid || user.id !== claims.uid || (claims.cv ?? 0) !== user.credentialVersion) return null;
  return userPrincipal(user);
}
