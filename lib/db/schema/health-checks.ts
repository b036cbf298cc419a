import { sqliteTable, text, integer, real, index } from "drizzle-orm/sqlite-core";
import { ENDPOINT_STATUSES } from "../constants";
import { endpoints } from "./endpoints";
import { timestamp } from "./common";

export const healthChecks = sqliteTable(
  "health_checks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => endpoints.id, { onDelete: "cascade" }),
    checkedAt: timestamp("checked_at").notNull(),
    ok: integer("ok", { mode: "boolean" }).notNull(),
    latencyMs: real("latency_ms"),
    error: text("error"),
    statusBefore: text("status_before", { enum: ENDPOINT_STATUSES }).notNull(),
    statusAfter: text("status_after", { enum: ENDPOINT_STATUSES }).notNull(),
    instanceId: text("instance_id"),
  },
  (t) => [
    index("health_checks_endpoint_idx").on(t.endpointId, t.checkedAt),
    index("health_checks_time_idx").on(t.checkedAt),
  ],
);
export type HealthCheckRow = typeof healthChecks.$inferSelect;
