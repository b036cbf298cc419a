import { PERMISSIONS, type Permission, type Role } from "../db/constants";

const READ_PERMISSIONS = PERMISSIONS.filter((p) => p.endsWith(".read"));

/** What a dashboard role may do. Viewers read everything and may use the Playground. */
export function permissionsForRole(role: Role): readonly Permission[] {
  return role === "admin" ? PERMISSIONS : [...READ_PERMISSIONS, "openai.inference"];
}

/** The fixed development keys, accepted only with LLMLB_DEBUG_KEYS=1. */
export const DEBUG_KEYS: Record<string, readonly Permission[]> = {
  sk_debug: PERMISSIONS,
  sk_debug_api: PERMISSIONS.filter((p) => p.startsWith("openai.")),
  sk_debug_viewer: READ_PERMISSIONS,
};

export interface Principal {
  kind: "user" | "api_key" | "debug_key";
  id: string;
  name: string;
  role?: Role;
  permissions: readonly Permission[];
  mustChangePassword?: boolean;
}

export const hasPermission = (p: Principal, perm: Permission) => p.permissions.includes(perm);

/** Least privilege: a principal grants only what it holds. The first permission in `wanted` it lacks, or null. */
export function missingGrant(p: Principal, wanted: readonly Permission[]): Permission | null {
  return wanted.find((w) => !p.permissions.includes(w)) ?? null;
}
