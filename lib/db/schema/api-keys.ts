import { sqliteTable, text, index } from "drizzle-orm/sqlite-core";
import type { Permission } from "../constants";
import { timestamp } from "./common";

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull().unique(),
    permissions: text("permissions", { mode: "json" }).$type<Permission[]>().notNull(),
    createdBy: text("created_by"),
    createdAt: timestamp("created_at").notNull(),
    expiresAt: timestamp("expires_at"),
    revokedAt: timestamp("revoked_at"),
    lastUsedAt: timestamp("last_used_at"),
  },
  (t) => [index("api_keys_created_idx").on(t.createdAt)],
);
export type ApiKeyRow = typeof apiKeys.$inferSelect;
