// Principals for security tests: one API key per permission, viewer/admin sessions, and a route inventory.
import fs from "node:fs";
import path from "node:path";
import { PERMISSIONS, type Permission } from "../../lib/db/constants";
import { call, login } from "./http";

export { PERMISSIONS, type Permission };

export interface TestPrincipal {
  label: string;
  /** what the server should grant; null = anonymous */
  permissions: readonly Permission[] | null;
  kind: "anonymous" | "session" | "key";
  key?: string;
  cookie?: string;
  /** the session user's current password (for PATCH /api/me) */
  password?: string;
}

export const VIEWER_PERMISSIONS: readonly Permission[] = [
  ...PERMISSIONS.filter((p) => p.endsWith(".read")),
  "openai.inference",
];

/** Creates one API key holding exactly `permission`, with sk_debug. */
export async function keyWith(base: string, permission: Permission): Promise<string> {
  const r = await call(base, "POST", "/api/api-keys", {
    key: "sk_debug",
    body: { name: `only-${permission}`, permissions: [permission] },
  });
  if (r.status !== 201) throw new Error(`key for ${permission}: ${r.status} ${r.text}`);
  return r.body.key;
}

/** Creates a user with sk_debug and signs in; returns the principal. */
export async function sessionFor(
  base: string,
  username: string,
  role: "admin" | "viewer",
  password: string,
): Promise<TestPrincipal> {
  const r = await call(base, "POST", "/api/users", { key: "sk_debug", body: { username, password, role } });
  if (r.status !== 201) throw new Error(`user ${username}: ${r.status} ${r.text}`);
  const { cookie } = await login(base, username, password);
  if (!cookie) throw new Error(`login ${username} failed`);
  return {
    label: `${role} session`,
    permissions: role === "admin" ? PERMISSIONS : VIEWER_PERMISSIONS,
    kind: "session",
    cookie,
    password,
  };
}

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Every `METHOD /api/...` exported by app/api/**\/route.ts, with Next's bracket segments kept (`/api/endpoints/[id]`). */
export function apiRouteInventory(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const src = fs.readFileSync(full, "utf8");
        const route = `/${path.relative(path.join(ROOT, "app"), path.dirname(full)).split(path.sep).join("/")}`;
        for (const m of src.matchAll(
          /export\s+(?:const|async function|function)\s+(GET|POST|PATCH|PUT|DELETE|HEAD|OPTIONS)\b/g,
        ))
          out.push(`${m[1]} ${route}`);
      }
    }
  };
  walk(path.join(ROOT, "app/api"));
  return out.sort();
}
