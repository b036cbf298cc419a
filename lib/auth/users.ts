import "server-only";
import { englishMessage } from "../i18n/localize";
import crypto from "node:crypto";
import { asc, eq, count, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, ReadDb } from "../db/client";
import { users, type UserRow } from "../db/schema";
import { LOCAL_PROVIDER } from "../db/constants";
import { env } from "../env";
import { adminRemovalRefusal } from "./last-admin";
import { ROLES, type Role } from "../db/constants";
import { ApiError, notFound, uniqueViolation, validationError } from "../errors";
import { audited } from "../audit";
import { publishChange } from "../runtime";
import { randomBase62 } from "../crypto";
import { log } from "../observability/logger";
import { hashPassword, verifyPassword, burnPasswordCheck } from "./passwords";
import { missingGrant, permissionsForRole, type Principal } from "./permissions";

/** Giving someone a role, or a password for their account, hands over that role's permissions: only to a holder. */
export function assertCanGrant(actor: Principal, role: Role, what: string) {
  const missing = missingGrant(actor, permissionsForRole(role));
  if (missing)
    throw new ApiError("forbidden", `missing permission: ${missing} (needed to ${what} a ${role})`, {
      permission: missing,
    });
}

const password = z.string().min(8).max(200);
const username = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\w.@-]+$/, englishMessage("val_username_chars"));

export const createUserSchema = z.strictObject({ username, password, role: z.enum(ROLES) });
export const updateUserSchema = z
  .strictObject({ role: z.enum(ROLES).optional(), password: password.optional() })
  .refine((v) => v.role !== undefined || v.password !== undefined, {
    message: englishMessage("val_role_or_password"),
    path: ["role"],
  });
export const changeOwnPasswordSchema = z.strictObject({
  current_password: z.string().min(1).max(200),
  new_password: password,
});

export const serializeUser = (u: UserRow) => ({
  id: u.id,
  username: u.username,
  role: u.role,
  /** "local" (password) or the OpenID Connect provider's id */
  provider: u.provider,
  /** false for an OpenID Connect user, and for an imported local user until an admin sets a password */
  has_password: u.passwordHash !== "",
  must_change_password: u.mustChangePassword,
  created_at: new Date(u.createdAt).toISOString(),
  updated_at: new Date(u.updatedAt).toISOString(),
});

export async function listUsers({ db }: { db: Db }) {
  return (await db.select().from(users).orderBy(asc(users.username))).map(serializeUser);
}

export async function getUser(db: ReadDb, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function createUser({
  db,
  input,
  actor,
}: {
  db: Db;
  input: z.infer<typeof createUserSchema>;
  actor: Principal;
}) {
  assertCanGrant(actor, input.role, "create");
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.username, input.username));
  if (existing)
    throw new ApiError("conflict", "username already exists", [
      { field: "username", message: englishMessage("val_already_exists") },
    ]);
  const now = Date.now();
  const row: UserRow = {
    id: crypto.randomUUID(),
    username: input.username,
    passwordHash: await hashPassword(input.password),
    role: input.role,
    mustChangePassword: false,
    credentialVersion: 0,
    createdAt: now,
    updatedAt: now,
    provider: LOCAL_PROVIDER,
    subject: null,
  };
  await audited(
    db,
    actor,
    "user.create",
    { type: "user", id: row.id, details: { username: row.username, role: row.role } },
    async (tx) => {
      await tx.insert(users).values(row);
    },
  ).catch((err) => {
    // the same name created concurrently, after the check above
    if (uniqueViolation(err, "users.username"))
      throw new ApiError("conflict", "username already exists", [
        { field: "username", message: englishMessage("val_already_exists") },
      ]);
    throw err;
  });
  return serializeUser(row);
}

/** Refuses removing the last admin, or the last local admin while local login is on (lib/auth/last-admin.ts). */
async function assertAdminRemovable(
  db: Pick<Db, "select">,
  target: Pick<UserRow, "id" | "role" | "provider">,
  what: string,
) {
  const admins = await db.select({ id: users.id, provider: users.provider }).from(users).where(eq(users.role, "admin"));
  const refusal = adminRemovalRefusal({ target, admins, localLogin: env().LLMLB_LOCAL_LOGIN });
  if (!refusal) return;
  // the plain last-admin case in the dashboard's words (lib/i18n), the local-admin rule as it is
  const message =
    refusal === "the last admin"
      ? englishMessage(what === "demoted" ? "val_last_admin" : "val_last_admin_delete")
      : `${refusal} cannot be ${what}`;
  throw new ApiError("conflict", message, [{ field: "role", message }]);
}

/** An OpenID Connect user has no password here: their provider signs them in. */
function assertLocal(user: UserRow, field: string) {
  if (user.provider !== LOCAL_PROVIDER)
    throw validationError(field, `${user.username} signs in with ${user.provider}: no password here`);
}

/** A password change ends every session issued before it (lib/auth/session-principal.ts). */
const nextCredentialVersion = sql`${users.credentialVersion} + 1`;

export async function updateUser({
  db,
  id,
  input,
  actor,
}: {
  db: Db;
  id: string;
  input: z.infer<typeof updateUserSchema>;
  actor: Principal;
}) {
  const user = await getUser(db, id);
  if (!user) throw notFound("user");
  if (input.role) assertCanGrant(actor, input.role, "make someone");
  if (input.password && actor.id !== id) assertCanGrant(actor, user.role, "reset the password of");
  if (input.password) assertLocal(user, "password");
  const patch: Partial<UserRow> = { updatedAt: Date.now() };
  if (input.role) patch.role = input.role;
  if (input.password) {
    patch.passwordHash = await hashPassword(input.password);
    patch.mustChangePassword = actor.id !== id; // a reset by someone else must be changed at next login
  }
  await audited(
    db,
    actor,
    input.password ? "user.reset_password" : "user.update",
    { type: "user", id, details: { role: input.role } },
    async (tx) => {
      // checked inside the write transaction (BEGIN IMMEDIATE): two admins demoting each other cannot both pass
      const [current] = await tx
        .select({ id: users.id, role: users.role, provider: users.provider })
        .from(users)
        .where(eq(users.id, id));
      if (!current) throw notFound("user");
      if (input.role === "viewer") await assertAdminRemovable(tx, current, "demoted");
      await tx
        .update(users)
        .set(input.password ? { ...patch, credentialVersion: nextCredentialVersion } : patch)
        .where(eq(users.id, id));
    },
  );
  await publishChange(db, "credentials");
  return serializeUser({ ...user, ...patch });
}

export async function deleteUser({ db, id, actor }: { db: Db; id: string; actor: Principal }) {
  const user = await getUser(db, id);
  if (!user) throw notFound("user");
  await audited(db, actor, "user.delete", { type: "user", id, details: { username: user.username } }, async (tx) => {
    const [current] = await tx
      .select({ id: users.id, role: users.role, provider: users.provider })
      .from(users)
      .where(eq(users.id, id));
    if (!current) throw notFound("user");
    await assertAdminRemovable(tx, current, "deleted");
    await tx.delete(users).where(eq(users.id, id));
  });
  await publishChange(db, "credentials");
}

export async function changeOwnPassword({
  db,
  actor,
  input,
}: {
  db: Db;
  actor: Principal;
  input: z.infer<typeof changeOwnPasswordSchema>;
}) {
  const user = actor.kind === "user" ? await getUser(db, actor.id) : undefined;
  if (!user) throw new ApiError("forbidden", "only a signed-in user can change their password");
  assertLocal(user, "current_password");
  if (!(await verifyPassword(input.current_password, user.passwordHash)))
    throw validationError("current_password", englishMessage("val_password_incorrect"));
  if (input.current_password === input.new_password)
    throw validationError("new_password", englishMessage("val_password_same"));
  const passwordHash = await hashPassword(input.new_password); // never hash while holding the write lock
  await audited(db, actor, "user.change_password", { type: "user", id: user.id }, async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: false, credentialVersion: nextCredentialVersion, updatedAt: Date.now() })
      .where(eq(users.id, user.id));
  });
  await publishChange(db, "credentials"); // the /v1 session cache, on both threads and every instance
}

/** Checks a login; returns the user or null. Timing does not reveal whether the username exists. */
export async function verifyLogin(db: Db, name: string, plain: string): Promise<UserRow | null> {
  const [user] = await db.select().from(users).where(eq(users.username, name));
  if (!user || user.passwordHash === "") {
    await burnPasswordCheck(plain); // no such user, or one without a password here
    return null;
  }
  return (await verifyPassword(plain, user.passwordHash)) ? user : null;
}

/** First start: create the admin from configuration, or with a generated password printed once. */
export async function ensureAdmin(db: Db, adminUsername: string, configuredPassword?: string): Promise<void> {
  const [row] = await db.select({ n: count() }).from(users);
  if ((row?.n ?? 0) > 0) return;
  const generated = !configuredPassword;
  const plain = configuredPassword ?? randomBase62(20);
  const now = Date.now();
  await db
    .insert(users)
    .values({
      id: crypto.randomUUID(),
      username: adminUsername,
      passwordHash: await hashPassword(plain),
      role: "admin",
      mustChangePassword: generated,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing();
  if (generated) {
    process.stdout.write(
      `\n================================================================\n` +
        ` First start: created admin user "${adminUsername}" with password\n   ${plain}\n` +
        ` It is shown only this once; you must change it at first login.\n` +
        `================================================================\n\n`,
    );
  } else log.info("created admin user from LLMLB_ADMIN_USERNAME / LLMLB_ADMIN_PASSWORD", { username: adminUsername });
}
