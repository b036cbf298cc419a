import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { testEndpoint } from "@/lib/health/connection-test";
import { json, route, type IdParams } from "@/lib/http";
import { getDb } from "@/lib/runtime";

/** Connection test of a saved endpoint; failure is `success:false` with 200. Updates its status. */
export const POST = route(async (req: NextRequest, { params }: IdParams) => {
  const actor = await requirePermission(req, "endpoints.manage");
  return json(await testEndpoint({ db: await getDb(), id: (await params).id, actor }));
});
