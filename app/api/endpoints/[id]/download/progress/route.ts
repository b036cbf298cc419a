import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { progressQuery } from "@/lib/endpoints/schema";
import { downloadProgress } from "@/lib/endpoints/download";
import { json, parseQuery, route, type IdParams } from "@/lib/http";
import { getDb } from "@/lib/runtime";

/** `?model=` → `{model, status, progress, speed_mbps, eta_seconds, error}`; no task → 404. */
export const GET = route(async (req: NextRequest, { params }: IdParams) => {
  await requirePermission(req, "endpoints.read");
  const { model } = parseQuery(req, progressQuery);
  return json(await downloadProgress({ db: await getDb(), id: (await params).id, model }));
});
