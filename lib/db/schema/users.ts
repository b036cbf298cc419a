import { sqliteTable, text, integer } from "drizzle-orm/sqlite-core";
import { ROLES } from "../constants";
import { timestamp } from "./common";

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  username: text("username").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ROLES }).notNull(),
  mustChangePassword: integer("must_change_password", { mode: "boolean" }).notNull().default(false),
  /** raised by every password change; a session carries the value it was issued with and is refused once it differs */
  credentialVersion: integer("credential_version").notNull().default(0),
  createdAt: timestamp("created_at").notNull(),
  updatedAt: timestamp("updated_at").notNull(),
});
export type UserRow = typeof users.$inferSelect;
