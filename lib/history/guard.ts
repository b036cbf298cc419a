import "server-only";
import type { NextRequest } from "next/server";
import { requirePermission } from "../auth/guard";
import { hasPermission, type Principal } from "../auth/permissions";
import { blockedUntilPasswordChange } from "../auth/session-decoder";
import type { Permission } from "../db/constants";
import { ApiError } from "../errors";

/** Like requirePermission, for routes that any one of several permissions opens. */
export async function requireAnyPermission(req: NextRequest, permissions: readonly Permission[]): Promise<Principal> {
  const principal = await requirePermission(req, null);
  if (blockedUntilPasswordChange(principal, permissions.join("|")))
    throw new ApiError("forbidden", "change your password first (PATCH /api/me)", {
      permission: "password_change_required",
    });
  if (!permissions.some((p) => hasPermission(principal, p))) {
    throw new ApiError("forbidden", `missing permission: one of ${permissions.join(", ")}`, {
      permission: permissions.join("|"),
    });
  }
  return principal;
}
