import type { NextRequest } from "next/server";
import { requireAnyPermission } from "@/lib/history/guard";
import { getOverview } from "@/lib/history/overview";
import { json, route } from "@/lib/http";
import { getDb } from "@/lib/runtime";

/** Endpoints by status and the last 24 h of traffic: `{endpoints, window, series}`. */
export const GET = route(async (req: NextRequest) => {
  await requireAnyPermission(req, ["metrics.read", "logs.read"]);
  return json(await getOverview({ db: await getDb() }));
});
