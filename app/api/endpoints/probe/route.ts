import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { probeSchema } from "@/lib/endpoints/schema";
import { probeUrl } from "@/lib/health/connection-test";
import { json, parseBody, route } from "@/lib/http";
import { getDb } from "@/lib/runtime";

/** Tests a URL before saving it: `{ok, base_url, duplicate_of, reachable, endpoint_type, latency_ms, models_found, error}`. */
export const POST = route(async (req: NextRequest) => {
  await requirePermission(req, "endpoints.manage");
  const input = await parseBody(req, probeSchema);
  return json(await probeUrl({ db: await getDb(), baseUrl: input.base_url, apiKey: input.api_key ?? null }));
});
