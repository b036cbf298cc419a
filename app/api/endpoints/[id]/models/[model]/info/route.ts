import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { getModelInfo } from "@/lib/endpoints/metadata";
import { json, route } from "@/lib/http";
import { getDb } from "@/lib/runtime";

type Params = { params: Promise<{ id: string; model: string }> };

/**
 * `{model, context_length, capabilities}`; model ids with `/` or `:` arrive percent-encoded, and Next has already
 * decoded the segment once: decoding again would turn `a%2541` into `aA` and make `a%25b` a 500.
 */
export const GET = route(async (req: NextRequest, { params }: Params) => {
  await requirePermission(req, "endpoints.read");
  const { id, model } = await params;
  return json(await getModelInfo({ db: await getDb(), id, model }));
});
