import { sqliteTable, text, integer, primaryKey } from "drizzle-orm/sqlite-core";
import { endpoints } from "./endpoints";
import { timestamp } from "./common";

export const endpointModels = sqliteTable(
  "endpoint_models",
  {
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => endpoints.id, { onDelete: "cascade" }),
    modelId: text("model_id").notNull(),
    capabilities: text("capabilities", { mode: "json" }).$type<string[]>().notNull(),
    contextLength: integer("context_length"),
    syncedAt: timestamp("synced_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.endpointId, t.modelId] })],
);
export type EndpointModelRow = typeof endpointModels.$inferSelect;
