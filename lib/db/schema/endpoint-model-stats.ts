import { sqliteTable, text, integer, real, primaryKey } from "drizzle-orm/sqlite-core";
import { endpoints } from "./endpoints";
import { timestamp } from "./common";

const counters = {
  requests: integer("requests").notNull().default(0),
  successes: integer("successes").notNull().default(0),
  failures: integer("failures").notNull().default(0),
  outputTokens: integer("output_tokens").notNull().default(0),
  generationMs: real("generation_ms").notNull().default(0),
};

/** Running totals per (endpoint, model); survives restarts. */
export const endpointModelStats = sqliteTable(
  "endpoint_model_stats",
  {
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => endpoints.id, { onDelete: "cascade" }),
    modelId: text("model_id").notNull(),
    ...counters,
    tpsEma: real("tps_ema"),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.modelId] })],
);

/** Daily roll-up of the same counters, for charts. `day` is YYYY-MM-DD (UTC). */
export const endpointModelDaily = sqliteTable(
  "endpoint_model_daily",
  {
    day: text("day").notNull(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => endpoints.id, { onDelete: "cascade" }),
    modelId: text("model_id").notNull(),
    ...counters,
  },
  (t) => [primaryKey({ columns: [t.day, t.endpointId, t.modelId] })],
);
export type EndpointModelStatsRow = typeof endpointModelStats.$inferSelect;
