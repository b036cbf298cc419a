import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { downloadSchema } from "@/lib/endpoints/schema";
import { startDownload } from "@/lib/endpoints/download";
import { json, parseBody, route, type IdParams } from "@/lib/http";
import { getDb } from "@/lib/runtime";

/** xLLM only: starts a model download on the endpoint → 202 with the task. */
export const POST = route(async (req: NextRequest, { params }: IdParams) => {
  const actor = await requirePermission(req, "endpoints.manage");
  const { model } = await parseBody(req, downloadSchema);
  return json(await startDownload({ db: await getDb(), id: (await params).id, model, actor }), 202);
});
