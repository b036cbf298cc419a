import { sqliteTable, text, integer, uniqueIndex } from "drizzle-orm/sqlite-core";
import { LOCAL_PROVIDER, ROLES } from "../constants";
import { timestamp } from "./common";

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    username: text("username").notNull().unique(),
    /** empty: no password here (an OpenID Connect user, or an imported user until an admin sets one) */
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    mustChangePassword: integer("must_change_password", { mode: "boolean" }).notNull().default(false),
    /** raised by every password change; a session carries the value it was issued with and is refused once it differs */
    credentialVersion: integer("credential_version").notNull().default(0),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
    /** where the user signs in: "local" (password) or the OpenID Connect provider's id */
    provider: text("provider").notNull().default(LOCAL_PROVIDER),
    /** the provider's `sub` claim; null for local users */
    subject: text("subject"),
  },
  (t) => [uniqueIndex("users_provider_subject").on(t.provider, t.subject)],
);
export type UserRow = typeof users.$inferSelect;
