import "server-only";
import type { IncomingMessage } from "node:http";
import { presentedKey } from "../auth/api-keys";
import { getUser } from "../auth/users";
import { isSameOrigin } from "../auth/guard-origin";
import type { Principal } from "../auth/permissions";
import { blockedUntilPasswordChange, sessionFromCookies } from "../auth/session-decoder";
import { sessionUserState, type SessionUserState } from "../auth/session-principal";
import type { DataPlane } from "./data-plane";
import type { ClientHeaders } from "./headers";

const headerBag = (req: IncomingMessage) => ({
  get: (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : (v ?? null);
  },
});

/**
 * A user's state as sessions are judged by it, from the plane's cache (user id → credential version, role,
 * forced-change flag; never the verdict, so nothing refused earlier stays refused once the user's state changes).
 * The cache drops on every credentials change; a lookup in flight across a change does not write its stale row back.
 */
async function loadUser(plane: DataPlane, uid: string): Promise<SessionUserState | null> {
  const cached = plane.sessions.get(uid);
  if (cached !== undefined) return cached;
  const epoch = plane.sessions.epoch();
  const row = await getUser(await plane.db(), uid);
  const user = row ? sessionUserState(row) : null;
  plane.sessions.set(uid, user, epoch);
  return user;
}

async function sessionPrincipal(plane: DataPlane, cookie: string): Promise<Principal | null> {
  const principal = await sessionFromCookies(cookie, plane.config.secret, (uid) => loadUser(plane, uid));
  // /v1 is the Playground's: a user who must change their password first is refused until they have
  return principal && !blockedUntilPasswordChange(principal, "openai.inference") ? principal : null;
}

/** The key a request presents: `Authorization: Bearer …` (or a bare token there), else `X-API-Key`. */
function presented(h: ClientHeaders): string | null {
  if (h.authorization) return presentedKey({ get: (name) => (name === "authorization" ? h.authorization : null) });
  return h.apiKey?.trim() || null;
}

/**
 * `/v1` accepts an API key (Bearer or X-API-Key), or the dashboard session for same-origin requests (the
 * Playground). The principal, or null when no valid credential is presented; a promise only when memory cannot
 * answer (a key's first use, a session).
 */
export function authenticateV1(
  plane: DataPlane,
  req: IncomingMessage,
  h: ClientHeaders,
): Principal | null | Promise<Principal | null> {
  const key = presented(h);
  if (key) {
    const cached = plane.keys.cached(key);
    return cached !== undefined ? cached : plane.db().then((db) => plane.keys.verify(db, key));
  }
  if (!h.cookie || !isSameOrigin(headerBag(req), plane.config.publicUrl)) return null;
  return sessionPrincipal(plane, h.cookie);
}
