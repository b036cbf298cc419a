import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { listRequestsQuery } from "@/lib/history/schema";
import { listRequests } from "@/lib/history/list-requests";
import { json, parseQuery, route } from "@/lib/http";
import { getDb } from "@/lib/runtime";

/** `?model=&endpoint_id=&status=2xx|3xx|4xx|5xx&from=&to=&page=&page_size=` → `{requests, total, page, page_size, series}` */
export const GET = route(async (req: NextRequest) => {
  await requirePermission(req, "logs.read");
  return json(await listRequests({ db: await getDb(), query: parseQuery(req, listRequestsQuery) }));
});
