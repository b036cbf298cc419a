import { LOCAL_PROVIDER } from "../db/constants";

export interface AdminRef {
  id: string;
  provider: string;
}

/**
 * Why removing `target`'s admin role (demotion or deletion) is refused, or null when it is not. The last admin
 * never goes; while local login is on, neither does the last local admin, so that somebody can still sign in
 * with a password when the identity provider is down or misconfigured. Pure.
 */
export function adminRemovalRefusal({
  target,
  admins,
  localLogin,
}: {
  target: AdminRef & { role: string };
  admins: readonly AdminRef[];
  localLogin: boolean;
}): string | null {
  if (target.role !== "admin") return null;
  const others = admins.filter((a) => a.id !== target.id);
  if (others.length === 0) return "the last admin";
  if (localLogin && target.provider === LOCAL_PROVIDER && !others.some((a) => a.provider === LOCAL_PROVIDER))
    return "the last local admin (local login is on)";
  return null;
}
