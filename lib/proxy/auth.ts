import "server-only";
import type { IncomingMessage } from "node:http";
import { decode } from "next-auth/jwt";
import { env } from "../env";
import { getDb, runtime, slot } from "../runtime";
import { cachedApiKey, presentedKey, verifyApiKey } from "../auth/api-keys";
import type { ClientHeaders } from "./headers";
import { getUser } from "../auth/users";
import { isSameOrigin } from "../auth/guard-origin";
import type { Principal } from "../auth/permissions";
import { EpochCache } from "../auth/epoch-cache";
import { SESSION_COOKIES, principalForSession, sessionUserState, type SessionUserState } from "../auth/session-principal";

const headerBag = (req: IncomingMessage) => ({
  get: (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : (v ?? null);
  },
});

function sessionCookie(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const i = part.indexOf("=");
    const name = part.slice(0, i).trim();
    if (!(SESSION_COOKIES as readonly string[]).includes(name)) continue;
    try {
      return decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      return null; // not valid percent-encoding: no session
    }
  }
  return null;
}

/**
 * user id → what a session is judged by (credential version, role, forced-change flag), never the verdict: each
 * request decides afresh, so nothing refused earlier stays refused once the user's state changes. Dropped on
 * every credentials change (bridged from the control thread, polled from other instances); a lookup in flight
 * across a change does not write its stale row back.
 */
const userCache = () =>
  slot("v1UserCache", () => {
    const cache = new EpochCache<SessionUserState | null>();
    runtime().events.on("credentials-changed", () => cache.clear());
    return cache;
  });

async function sessionPrincipal(token: string): Promise<Principal | null> {
  const jwt = await decode({ token, secret: env().LLMLB_SECRET }).catch(() => null);
  if (!jwt?.uid || (typeof jwt.exp === "number" && jwt.exp * 1000 < Date.now())) return null;
  const cache = userCache();
  let user = cache.get(jwt.uid);
  if (user === undefined) {
    const epoch = cache.epoch();
    const row = await getUser(await getDb(), jwt.uid);
    user = row ? sessionUserState(row) : null;
    cache.set(jwt.uid, user, epoch);
  }
  const principal = principalForSession(jwt, user);
  // /v1 is the Playground's: a user who must change their password first is refused until they have
  return principal && !principal.mustChangePassword ? principal : null;
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
export function authenticateV1(req: IncomingMessage, h: ClientHeaders): Principal | null | Promise<Principal | null> {
  const key = presented(h);
  if (key) {
    const cached = cachedApiKey(key);
    return cached !== undefined ? cached : getDb().then((db) => verifyApiKey(db, key));
  }
  const token = sessionCookie(h.cookie ?? undefined);
  if (!token || !isSameOrigin(headerBag(req), env().LLMLB_PUBLIC_URL)) return null;
  return sessionPrincipal(token);
}
