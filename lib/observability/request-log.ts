import "server-only";
import type { InValue } from "@libsql/client";
import type { Database } from "../db/client";
import type { NewRequestLogRow } from "../db/schema";
import LibsqlDatabase from "libsql";
import { log } from "./logger";

// Short: what waits for a flush outlives the young generation and would grow the old one under load.
const FLUSH_MS = 200;
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
  ["resumed_endpoint_id", "resumedEndpointId"],
  ["error_code", "errorCode"],
  ["outcome", "outcome"],
  ["endpoint_name", "endpointName"],
  ["endpoints_tried", "endpointsTried"],
];
/**
 * Rows a batch: a batch leaves as soon as it is full, so its values (10,500) stay an ordinary young-generation
 * array in both threads. A 1,000-row batch was over V8's large-object size (128 KB): every batch, and the array
 * that gathered 200 ms of rows, was a large object mapped and unmapped on its own (page faults and munmap, ~2 %
 * of the process's CPU at 10,000 requests a second).
 */
const MAX_BATCH = 500;
const BATCH_VALUES = MAX_BATCH * COLUMNS.length;
const ROW_PLACEHOLDER = `(${COLUMNS.map(() => "?").join(",")})`;
const INSERT = `INSERT INTO request_log (${COLUMNS.map(([c]) => c).join(",")}) VALUES `;

/** Writes one batch: `args` holds `rows` rows' values, column by column in COLUMNS order. */
export type RequestLogSink = ((args: InValue[], rows: number) => Promise<void>) & { close?: () => void };

const insertRows = (rows: number) => INSERT + Array.from({ length: rows }, () => ROW_PLACEHOLDER).join(",");

/** The sink that inserts through this thread's database client, as one multi-row INSERT. */
export const insertInto =
  (open: () => Promise<Database>): RequestLogSink =>
  async (args, rows) => {
    const { client } = await open();
    await client.execute({ sql: insertRows(rows), args });
  };

/** Rows per prepared statement, largest first: a batch is cut into as few statements as these sizes allow. */
const NATIVE_ROWS = [500, 100, 20, 1];

/**
 * The sink for an embedded database file: a connection of its own through `libsql`, the driver under
 * @libsql/client, with its statements prepared once, and each batch one transaction. @libsql/client prepares
 * every statement anew and converts every value; this takes about a third of its CPU per row (~5 against
 * ~15 µs here), and every proxied request writes a row. 500-row statements take ~15 % less per row than
 * 100-row ones (7–8 against 8–9 µs, 20,000 rows into the real schema).
 */
export function insertNative(file: string): RequestLogSink {
  const db = new LibsqlDatabase(file, { timeout: 5000 });
  db.exec("PRAGMA synchronous = NORMAL");
  const statements = NATIVE_ROWS.map((n) => [n, db.prepare(insertRows(n))] as const);
  const width = COLUMNS.length;
  const sink: RequestLogSink = async (args, rows) => {
    db.exec("BEGIN IMMEDIATE");
    try {
      let row = 0;
      for (const [n, statement] of statements)
        for (; row + n <= rows; row += n)
          statement.run(row === 0 && n === rows ? args : args.slice(row * width, (row + n) * width));
      db.exec("COMMIT");
    } catch (err) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw err;
    }
  };
  sink.close = () => db.close();
  return sink;
}

/** The sink for this process's database: the native one for a plain file URL, the client otherwise (sqld). */
export function requestLogSink(url: string, open: () => Promise<Database>): RequestLogSink {
  return url.startsWith("file:") && !url.includes("?") ? insertNative(url.slice("file:".length)) : insertInto(open);
}

/** An id that needs no escaping in JSON (every endpoint id is a UUID). */
const PLAIN_ID = /^[\w-]+$/;

/** The endpoints tried as a JSON array; the usual single plain id without JSON.stringify. */
export function triedJson(tried: string[] | null | undefined): string | null {
  if (!tried?.length) return null;
  if (tried.length === 1 && PLAIN_ID.test(tried[0])) return `["${tried[0]}"]`;
  return JSON.stringify(tried);
}

/**
 * Request-log rows are queued on the hot path and written in batches off it. On the main thread the sink hands
 * each batch to the control thread (a 500-row INSERT blocks a thread for ~3 ms; posting its values ~0.7 ms).
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
    this.values.push(
      r.ts,
      r.requestId,
      r.apiKeyId ?? null,
      r.userId ?? null,
      r.clientIp ?? null,
      r.route,
      r.model ?? null,
      r.endpointId ?? null,
      r.status,
      r.durationMs,
      r.ttftMs ?? null,
    );
    this.values.push(
      r.promptTokens ?? null,
      r.completionTokens ?? null,
      r.tokensEstimated ? 1 : 0,
      r.stream ? 1 : 0,
      r.retries ?? 0,
      r.resumedEndpointId ?? null,
      r.errorCode ?? null,
      r.outcome ?? null,
    );
    this.values.push(r.endpointName ?? null, triedJson(r.endpointsTried));
    if (this.values.length < BATCH_VALUES) this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
    else if (!this.flushing) void this.flush();
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.flushing) await this.flushing;
    while (this.values.length) {
      let args: InValue[];
      if (this.values.length > BATCH_VALUES) args = this.values.splice(0, BATCH_VALUES);
      else {
        // the common case, one batch: the array itself, no copy
        args = this.values;
        this.values = [];
      }
      const rows = args.length / COLUMNS.length;
      this.flushing = this.sink(args, rows).catch((err) =>
        log.error("request log write failed", { error: String(err), rows }),
      );
      await this.flushing;
      this.flushing = null;
    }
  }
}
