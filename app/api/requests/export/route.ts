import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { exportRequestsQuery } from "@/lib/history/schema";
import { exportRequestsCsv } from "@/lib/history/export-csv";
import { parseQuery, route } from "@/lib/http";
import { getDb } from "@/lib/runtime";

/** `?model=&endpoint_id=&api_key_id=&status=&from=&to=` → the history as CSV (newest first, at most 10,000 rows). */
export const GET = route(async (req: NextRequest) => {
  await requirePermission(req, "logs.read");
  const csv = await exportRequestsCsv({ db: await getDb(), query: parseQuery(req, exportRequestsQuery) });
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="llmlb-requests.csv"`,
      "cache-control": "no-store",
    },
  });
});
