import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { createEndpointSchema, listEndpointsQuery } from "@/lib/endpoints/schema";
import { listEndpoints } from "@/lib/endpoints/read";
import { createEndpoint } from "@/lib/endpoints/write";
import { json, parseBody, parseQuery, route } from "@/lib/http";
import { getDb } from "@/lib/runtime";

/** `?type=&status=&q=` → `{endpoints, total}` */
export const GET = route(async (req: NextRequest) => {
  await requirePermission(req, "endpoints.read");
  return json(await listEndpoints({ db: await getDb(), query: parseQuery(req, listEndpointsQuery) }));
});

/** Registers an endpoint: detects its type (≤ ~2 s), answers 201 pending, and checks it at once. */
export const POST = route(async (req: NextRequest) => {
  const actor = await requirePermission(req, "endpoints.manage");
  const input = await parseBody(req, createEndpointSchema);
  return json(await createEndpoint({ db: await getDb(), input, actor }), 201);
});
