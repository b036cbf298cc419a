import "server-only";
import type { NextRequest } from "next/server";
import { env } from "../env";
import { ApiError } from "../errors";
import { getDb } from "../runtime";
import type { Permission } from "../db/constants";
import { presentedKey, verifyApiKey } from "./api-keys";
import { isSameOrigin } from "./guard-origin";
import { blockedUntilPasswordChange } from "./session-decoder";
import { hasPermission, type Principal } from "./permissions";
import { sessionPrincipal } from "./session";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The one guard every /api route calls. `permission: null` only demands a signed-in principal;
 * `dashboardUsersMayRead` lets any signed-in dashboard user (viewers too) through on a GET.
 * API key (Bearer or X-API-Key) first, else the dashboard session.
 */
export async function requirePermission(
  req: NextRequest,
  permission: Permission | null,
  opts: { dashboardUsersMayRead?: boolean } = {},
): Promise<Principal> {
  const key = presentedKey(req.headers);
  let principal: Principal | null;
  if (key) {
    principal = await verifyApiKey(await getDb(), key);
    if (!principal) throw new ApiError("unauthorized", "invalid, expired or revoked API key");
  } else {
    principal = await sessionPrincipal(req.headers.get("cookie"));
    if (!principal) throw new ApiError("unauthorized", "sign in or send an API key");
    if (!SAFE_METHODS.has(req.method) && !isSameOrigin(req.headers, env().LLMLB_PUBLIC_URL)) {
      throw new ApiError("forbidden", "cross-origin request refused");
    }
    if (blockedUntilPasswordChange(principal, permission)) {
      throw new ApiError("forbidden", "change your password first (PATCH /api/me)", {
        permission: "password_change_required",
      });
    }
  }
  // a dashboard viewer reads everything; lists guarded by a *.manage permission stay readable to them
  const readByUser = opts.dashboardUsersMayRead && principal.kind === "user" && SAFE_METHODS.has(req.method);
  if (permission && !readByUser && !hasPermission(principal, permission)) {
    throw new ApiError("forbidden", `missing permission: ${permission}`, { permission });
  }
  return principal;
}
