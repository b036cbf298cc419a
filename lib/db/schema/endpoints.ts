import { sqliteTable, text, integer, real } from "drizzle-orm/sqlite-core";
import { ENDPOINT_DEFAULTS, ENDPOINT_STATUSES, ENDPOINT_TYPES } from "../constants";
import { timestamp } from "./common";

export const endpoints = sqliteTable("endpoints", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  baseUrl: text("base_url").notNull().unique(),
  apiKey: text("api_key"), // AES-256-GCM ciphertext
  status: text("status", { enum: ENDPOINT_STATUSES }).notNull().default("pending"),
  endpointType: text("endpoint_type", { enum: ENDPOINT_TYPES }).notNull().default("unknown"),
  healthCheckIntervalSecs: integer("health_check_interval_secs")
    .notNull()
    .default(ENDPOINT_DEFAULTS.healthCheckIntervalSecs),
  inferenceTimeoutSecs: integer("inference_timeout_secs").notNull().default(ENDPOINT_DEFAULTS.inferenceTimeoutSecs),
  /** the header wait allowed when the model is known not to be loaded (a cold load) */
  modelLoadTimeoutSecs: integer("model_load_timeout_secs").notNull().default(600),
  /** whether a health check may generate one token; null = by type (off for openai_compatible, on for the rest) */
  generationProbe: integer("generation_probe", { mode: "boolean" }),
  /** when live completions stalled 3 times in 60 s ; cleared by a passing generation probe */
  stalledAt: timestamp("stalled_at"),
  maxConcurrency: integer("max_concurrency"),
  latencyMs: real("latency_ms"),
  lastSeenAt: timestamp("last_seen_at"),
  lastCheckedAt: timestamp("last_checked_at"),
  lastError: text("last_error"),
  consecutiveFailures: integer("consecutive_failures").notNull().default(0),
  registeredAt: timestamp("registered_at").notNull(),
  updatedAt: timestamp("updated_at").notNull(),
  notes: text("notes"),
  typeDetectedAt: timestamp("type_detected_at"),
  modelsSyncedAt: timestamp("models_synced_at"),
});
export type EndpointRow = typeof endpoints.$inferSelect;
