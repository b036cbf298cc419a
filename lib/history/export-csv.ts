import "server-only";
import type { Db } from "../db/client";
import { whereRequests } from "./filters";
import { filterOf, selectRequests, type RequestDto } from "./list-requests";
import type { ExportRequestsQuery } from "./schema";

/** The most rows one export holds (newest first): ~2 MB of CSV. */
export const EXPORT_MAX = 10_000;

const COLUMNS = [
  "ts",
  "request_id",
  "route",
  "model",
  "endpoint_name",
  "endpoint_id",
  "api_key_name",
  "user_name",
  "client_ip",
  "status",
  "error_code",
  "duration_ms",
  "ttft_ms",
  "prompt_tokens",
  "completion_tokens",
  "tokens_estimated",
  "stream",
  "retries",
] as const satisfies ReadonlyArray<keyof RequestDto>;

/** One CSV field (RFC 4180), with a leading = + - @ neutralised so a spreadsheet never runs it as a formula. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === "string") s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV text with a header line; CRLF line ends as spreadsheets expect. */
export function toCsv(rows: RequestDto[]): string {
  const lines = [COLUMNS.join(","), ...rows.map((r) => COLUMNS.map((c) => csvField(r[c])).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}

/** `GET /api/requests/export`: the filtered history as CSV. */
export async function exportRequestsCsv({ db, query }: { db: Db; query: ExportRequestsQuery }): Promise<string> {
  return toCsv(await selectRequests(db, whereRequests(filterOf(query)), EXPORT_MAX));
}
