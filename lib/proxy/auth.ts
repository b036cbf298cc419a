import "server-only";
import type { IncomingMessage } from "node:http";
import { decode } from "next-auth/jwt";
import { env } from "../env";
import { getDb, runtime, slot } from "../runtime";
import { cachedApiKey, presentedKey, verifyApiKey } from "../auth/api-keys";
import type { ClientHeaders } from "./headers";
import { getUser } from "../auth/users";
import { isSameOrigin } from "../auth/guard-origin";
import { permissionsForRole, type Principal } from "../auth/permissions";

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

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
    if (!SESSION_COOKIES.includes(name)) continue;
    try {
      return decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      return null; // not valid percent-encoding: no session
    }
  }
  return null;
}

/** user id → principal, dropped on every credentials change. */
const userCache = () =>
  slot("v1UserCache", () => {
    const cache = new Map<string, Principal | null>();
    runtime().events.on("credentials-changed", () => cache.clear());
    return cache;
  });

async function sessionPrincipal(token: string): Promise<Principal | null> {
  const jwt = await decode({ token, secret: env().LLMLB_SECRET }).catch(() => null);
  if (!jwt?.uid || (typeof jwt.exp === "number" && jwt.exp * 1000 < Date.now())) return null;
  const cache = userCache();
  if (!cache.has(jwt.uid)) {
    const user = await getUser(await getDb(), jwt.uid);
    cache.set(jwt.uid, user && !user.mustChangePassword ? { kind: "user", id: user.id, name: user.username, role: user.role, permissions: permissionsForRole(user.role) } : null);
  }
  return cache.get(jwt.uid) ?? null;
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
