import "server-only";
import type { InValue } from "@libsql/client";
import type { Database } from "../db/client";
import type { NewRequestLogRow } from "../db/schema";
import { database, slot } from "../runtime";
import { log } from "./logger";

// Short: what waits for a flush outlives the young generation and would grow the old one under load.
const FLUSH_MS = 200;
const MAX_BATCH = 1000;
const MAX_PENDING = 50_000;

// column name → row field; one multi-row INSERT per batch, without a query builder on this path
export const COLUMNS: Array<[string, keyof NewRequestLogRow]> = [
  ["ts", "ts"],
  ["request_id", "requestId"],
  ["api_key_id", "apiKeyId"],
  ["user_id", "userId"],
  ["client_ip", "clientIp"],
  ["route", "route"],
  ["model", "model"],
  ["endpoint_id", "endpointId"],
  ["status", "status"],
  ["duration_ms", "durationMs"],
  ["ttft_ms", "ttftMs"],
  ["prompt_tokens", "promptTokens"],
  ["completion_tokens", "completionTokens"],
  ["tokens_estimated", "tokensEstimated"],
  ["stream", "stream"],
  ["retries", "retries"],
  ["error_code", "errorCode"],
];
const ROW_PLACEHOLDER = `(${COLUMNS.map(() => "?").join(",")})`;
const INSERT = `INSERT INTO request_log (${COLUMNS.map(([c]) => c).join(",")}) VALUES `;

/** Writes one batch: `args` holds `rows` rows' values, column by column in COLUMNS order. */
export type RequestLogSink = (args: InValue[], rows: number) => Promise<void>;

/** The sink that inserts into this thread's database, as one multi-row INSERT. */
export const insertInto =
  (open: () => Promise<Database>): RequestLogSink =>
  async (args, rows) => {
    const { client } = await open();
    await client.execute({ sql: INSERT + Array.from({ length: rows }, () => ROW_PLACEHOLDER).join(","), args });
  };

/**
 * Request-log rows are queued on the hot path and written in batches off it. On the main thread the sink hands
 * each batch to the control thread (a 1,000-row INSERT blocks a thread for ~20 ms; posting its values ~1.5 ms).
 */
export class RequestLogWriter {
  /** queued rows' values, flat in COLUMNS order: no row object lives on until the flush */
  private values: InValue[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  dropped = 0;

  constructor(public sink: RequestLogSink) {}

  get pending(): number {
    return this.values.length / COLUMNS.length;
  }

  add(row: NewRequestLogRow): void {
    if (this.pending >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    // in COLUMNS order (request-log.test.ts holds the two together), one named load per field
    const r = row;
    this.values.push(r.ts, r.requestId, r.apiKeyId ?? null, r.userId ?? null, r.clientIp ?? null, r.route, r.model ?? null, r.endpointId ?? null, r.status, r.durationMs, r.ttftMs ?? null);
    this.values.push(r.promptTokens ?? null, r.completionTokens ?? null, r.tokensEstimated ? 1 : 0, r.stream ? 1 : 0, r.retries ?? 0, r.errorCode ?? null);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.flushing) await this.flushing;
    while (this.values.length) {
      const args = this.values.splice(0, MAX_BATCH * COLUMNS.length);
      const rows = args.length / COLUMNS.length;
      this.flushing = this.sink(args, rows).catch((err) => log.error("request log write failed", { error: String(err), rows }));
      await this.flushing;
      this.flushing = null;
    }
  }
}

export const requestLogWriter = () => slot("requestLogWriter", () => new RequestLogWriter(insertInto(database)));
