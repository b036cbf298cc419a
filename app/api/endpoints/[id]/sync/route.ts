import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { getEndpointRow } from "@/lib/endpoints/read";
import { syncModels } from "@/lib/endpoints/sync";
import { audit } from "@/lib/audit";
import { json, route, type IdParams } from "@/lib/http";
import { getDb } from "@/lib/runtime";

/** Fetches the model list now: `{synced_models, added, removed, updated}`; 503 unreachable, 502 bad answer. */
export const POST = route(async (req: NextRequest, { params }: IdParams) => {
  const actor = await requirePermission(req, "endpoints.manage");
  const db = await getDb();
  const row = await getEndpointRow(db, (await params).id);
  const result = await syncModels({ db, row });
  await audit(db, actor, "endpoint.sync", {
    type: "endpoint",
    id: row.id,
    details: { added: result.added, removed: result.removed },
  });
  return json(result);
});
