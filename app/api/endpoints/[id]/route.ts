import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { updateEndpointSchema } from "@/lib/endpoints/schema";
import { getEndpointDetail } from "@/lib/endpoints/read";
import { removeEndpoint, updateEndpoint } from "@/lib/endpoints/write";
import { json, parseBody, route, type IdParams } from "@/lib/http";
import { getDb } from "@/lib/runtime";

export const GET = route(async (req: NextRequest, { params }: IdParams) => {
  await requirePermission(req, "endpoints.read");
  return json(await getEndpointDetail({ db: await getDb(), id: (await params).id }));
});

export const PATCH = route(async (req: NextRequest, { params }: IdParams) => {
  const actor = await requirePermission(req, "endpoints.manage");
  const input = await parseBody(req, updateEndpointSchema);
  return json(await updateEndpoint({ db: await getDb(), id: (await params).id, input, actor }));
});

export const DELETE = route(async (req: NextRequest, { params }: IdParams) => {
  const actor = await requirePermission(req, "endpoints.manage");
  await removeEndpoint({ db: await getDb(), id: (await params).id, actor });
  return new Response(null, { status: 204 });
});
