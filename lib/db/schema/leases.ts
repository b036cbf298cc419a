import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestamp } from "./common";

/** Named leases: scheduled work runs on the instance that holds the lease. */
export const leases = sqliteTable("leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: timestamp("expires_at").notNull(),
});

/** Small shared counters, e.g. `registry_version`, polled by every instance. */
export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});
