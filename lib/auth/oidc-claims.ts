import type { Role } from "../db/constants";

/** The claims of a verified ID token, as next-auth hands them to the provider's profile(). */
export type Claims = Record<string, unknown>;

/**
 * The user's groups from `claim`, which may be a dotted path (`realm_access.roles` in Keycloak). A list of strings,
 * or one string of names separated by commas or spaces. Anything else: no groups. Pure.
 */
export function groupsFromClaims(claims: Claims, claim: string): string[] {
  let value: unknown = claims;
  for (const part of claim.split("."))
    value = value && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
  if (typeof value === "string") return value.split(/[\s,]+/).filter(Boolean);
  return Array.isArray(value) ? value.filter((g): g is string => typeof g === "string") : [];
}

/** `admin` when one of the user's groups is an admin group, else `viewer`. Evaluated at every sign-in. Pure. */
export function roleForGroups(groups: readonly string[], adminGroups: readonly string[]): Role {
  return groups.some((g) => adminGroups.includes(g)) ? "admin" : "viewer";
}

/** The name shown for a new OpenID Connect user: preferred_username, else email, else the subject. Pure. */
export function usernameFromClaims(claims: Claims): string {
  for (const k of ["preferred_username", "email", "sub"]) {
    const v = claims[k];
    if (typeof v === "string" && v.trim()) return v.trim().slice(0, 64);
  }
  return "user";
}
