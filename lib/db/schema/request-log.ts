import { sqliteTable, text, integer, real, index } from "drizzle-orm/sqlite-core";
import { timestamp } from "./common";
import { REQUEST_OUTCOMES } from "../constants";

/** One row per /v1 request, refused ones included. Prompts and completions are never stored. */
export const requestLog = sqliteTable(
  "request_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ts: timestamp("ts").notNull(),
    requestId: text("request_id").notNull(),
    apiKeyId: text("api_key_id"),
    userId: text("user_id"),
    clientIp: text("client_ip"),
    route: text("route").notNull(),
    model: text("model"),
    endpointId: text("endpoint_id"),
    /** the endpoint's name when it served (or, at the latest, when it was deleted): history keeps it after a delete */
    endpointName: text("endpoint_name"),
    /** every endpoint tried, in order, as a JSON array of ids (the last one answered); null when not recorded */
    endpointsTried: text("endpoints_tried", { mode: "json" }).$type<string[]>(),
    /** the endpoint that continued the stream after endpoint_id's broke (a resumed stream); null when none did */
    resumedEndpointId: text("resumed_endpoint_id"),
    status: integer("status").notNull(),
    durationMs: real("duration_ms").notNull(),
    ttftMs: real("ttft_ms"),
    promptTokens: integer("prompt_tokens"),
    completionTokens: integer("completion_tokens"),
    tokensEstimated: integer("tokens_estimated", { mode: "boolean" }).notNull().default(false),
    stream: integer("stream", { mode: "boolean" }).notNull().default(false),
    retries: integer("retries").notNull().default(0),
    errorCode: text("error_code"),
    /** success | incomplete | cancelled | error (REQUEST_OUTCOMES); null on rows older than the column */
    outcome: text("outcome", { enum: REQUEST_OUTCOMES }),
  },
  (t) => [index("request_log_ts_idx").on(t.ts), index("request_log_endpoint_idx").on(t.endpointId, t.ts)],
);
export type RequestLogRow = typeof requestLog.$inferSelect;
export type NewRequestLogRow = typeof requestLog.$inferInsert;
