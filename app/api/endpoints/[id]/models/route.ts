import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { getEndpointRow, listEndpointModels } from "@/lib/endpoints/read";
import { json, route, type IdParams } from "@/lib/http";
import { getDb } from "@/lib/runtime";

export const GET = route(async (req: NextRequest, { params }: IdParams) => {
  await requirePermission(req, "endpoints.read");
  const db = await getDb();
  const row = await getEndpointRow(db, (await params).id);
  return json({ models: await listEndpointModels(db, row.id) });
});
