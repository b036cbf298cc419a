import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { revokeApiKey } from "@/lib/auth/api-keys";
import { route, type IdParams } from "@/lib/http";
import { getDb } from "@/lib/runtime";

/** Revokes the key; it is refused within a second everywhere. */
export const DELETE = route(async (req: NextRequest, { params }: IdParams) => {
  const actor = await requirePermission(req, "api_keys.manage");
  await revokeApiKey({ db: await getDb(), id: (await params).id, actor });
  return new Response(null, { status: 204 });
});
