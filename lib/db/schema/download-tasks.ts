import { sqliteTable, text, integer, real, index } from "drizzle-orm/sqlite-core";
import { DOWNLOAD_STATUSES } from "../constants";
import { endpoints } from "./endpoints";
import { timestamp } from "./common";

export const downloadTasks = sqliteTable(
  "download_tasks",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => endpoints.id, { onDelete: "cascade" }),
    model: text("model").notNull(),
    upstreamTaskId: text("upstream_task_id"),
    status: text("status", { enum: DOWNLOAD_STATUSES }).notNull(),
    progress: integer("progress").notNull().default(0),
    speedMbps: real("speed_mbps"),
    etaSeconds: real("eta_seconds"),
    error: text("error"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [index("download_tasks_endpoint_model_idx").on(t.endpointId, t.model, t.createdAt)],
);
export type DownloadTaskRow = typeof downloadTasks.$inferSelect;
