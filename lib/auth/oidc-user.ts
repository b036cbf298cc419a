import "server-only";
import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { users, type UserRow } from "../db/schema";
import { audit } from "../audit";
import { uniqueViolation } from "../errors";
import { publishChange } from "../runtime";
import { log } from "../observability/logger";
import { groupsFromClaims, roleForGroups, usernameFromClaims, type Claims } from "./oidc-claims";

export interface OidcRoleConfig {
  adminGroups: readonly string[];
  groupsClaim: string;
}

/** A free username: the wanted one, else with a short tag of the subject (a local "alice" is never taken over). */
async function freeUsername(db: Pick<Db, "select">, wanted: string, subject: string): Promise<string> {
  const [taken] = await db.select({ id: users.id }).from(users).where(eq(users.username, wanted));
  if (!taken) return wanted;
  const tag = crypto.createHash("sha256").update(subject).digest("hex").slice(0, 8);
  return `${wanted.slice(0, 55)}~${tag}`;
}

/**
 * The user a verified OpenID Connect sign-in stands for: created on first sign-in, found by (provider, subject)
 * after that. The role follows the groups claim at every sign-in. Returns the user's row as stored.
 */
export async function signInOidcUser({
  db,
  provider,
  claims,
  config,
}: {
  db: Db;
  provider: string;
  claims: Claims;
  config: OidcRoleConfig;
}): Promise<UserRow> {
  const subject = typeof claims.sub === "string" ? claims.sub : "";
  if (!subject) throw new Error("ID token without sub");
  const role = roleForGroups(groupsFromClaims(claims, config.groupsClaim), config.adminGroups);
  const system = null; // the identity provider decides: the audit row names no actor
  const upsert = () =>
    db.transaction(async (tx): Promise<{ row: UserRow; changed: boolean }> => {
      const [existing] = await tx
        .select()
        .from(users)
        .where(and(eq(users.provider, provider), eq(users.subject, subject)));
      const now = Date.now();
      if (existing) {
        if (existing.role === role) return { row: existing, changed: false };
        await tx.update(users).set({ role, updatedAt: now }).where(eq(users.id, existing.id));
        await audit(tx, system, "user.oidc_role", {
          type: "user",
          id: existing.id,
          details: { from: existing.role, to: role },
        });
        return { row: { ...existing, role, updatedAt: now }, changed: true };
      }
      const created: UserRow = {
        id: crypto.randomUUID(),
        username: await freeUsername(tx, usernameFromClaims(claims), subject),
        passwordHash: "",
        role,
        mustChangePassword: false,
        credentialVersion: 0,
        createdAt: now,
        updatedAt: now,
        provider,
        subject,
      };
      await tx.insert(users).values(created);
      await audit(tx, system, "user.oidc_create", {
        type: "user",
        id: created.id,
        details: { username: created.username, role, provider },
      });
      return { row: created, changed: true };
    });
  // the same first sign-in twice at once: the second finds the row the first created
  const { row, changed } = await upsert().catch((err) => (uniqueViolation(err) ? upsert() : Promise.reject(err)));
  log.info("OpenID Connect sign-in", { user: row.username, role: row.role });
  if (changed) await publishChange(db, "credentials"); // a changed role reaches the /v1 session cache everywhere
  return row;
}
