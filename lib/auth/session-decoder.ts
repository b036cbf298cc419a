// The one way a session cookie becomes a principal: for the /api guard, the pages and /v1 alike. It loads nothing
// from `next` (the /v1 thread never does); the caller says how a user's row is read (fresh, or from a cache).
import { decode, type JWT, type JWTDecodeParams } from "next-auth/jwt";
import type { Principal } from "./permissions";
import { SESSION_COOKIES, principalForSession, type SessionUserState, type UserPrincipal } from "./session-principal";

/**
 * next-auth's decode accepts a token up to 15 s past its expiry (clock tolerance). A session ends when it says
 * it does: everything that reads the session cookie (the guard, pages, /v1, next-auth itself) decodes with this.
 */
export async function strictDecode(params: JWTDecodeParams): Promise<JWT | null> {
  const token = await decode(params).catch(() => null);
  if (!token || typeof token.exp !== "number" || token.exp * 1000 <= Date.now()) return null;
  return token;
}

/** The session token in a Cookie header (either of next-auth's names), or null. */
export function sessionToken(cookieHeader: string | null | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const i = part.indexOf("=");
    if (i === -1 || !(SESSION_COOKIES as readonly string[]).includes(part.slice(0, i).trim())) continue;
    try {
      return decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      return null; // not valid percent-encoding: no session
    }
  }
  return null;
}

/** How the decoder reads a user's current state: from the database, or a cache of it. */
export type LoadSessionUser = (uid: string) => Promise<SessionUserState | null> | SessionUserState | null;

/**
 * The principal a Cookie header's session stands for, or null: an expired or forged token, a deleted user or a
 * session from before the user's last password change is nobody. A user who must change their password is
 * returned as such; `blockedUntilPasswordChange` says what that user may not do.
 */
export async function sessionFromCookies(
  cookieHeader: string | null | undefined,
  secret: string,
  loadUser: LoadSessionUser,
): Promise<UserPrincipal | null> {
  const token = sessionToken(cookieHeader);
  if (!token) return null;
  const claims = await strictDecode({ token, secret });
  if (!claims?.uid) return null;
  return principalForSession(claims, await loadUser(claims.uid));
}

/**
 * The rule for a user who must change their password first: only what needs no permission (reading who they are,
 * changing the password). Everything else, /v1 included, is refused until they have.
 */
export const blockedUntilPasswordChange = (principal: Principal, permission: string | null) =>
  principal.mustChangePassword === true && permission !== null;
