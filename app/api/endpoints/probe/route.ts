import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { probeSchema } from "@/lib/endpoints/schema";
import { probeUrl } from "@/lib/health/connection-test";
import { json, parseBody, route } from "@/lib/http";

/** Tests a URL before saving it: `{reachable, endpoint_type, latency_ms, models_found, error}`. */
export const POST = route(async (req: NextRequest) => {
  await requirePermission(req, "endpoints.manage");
  const input = await parseBody(req, probeSchema);
  return json(await probeUrl(input.base_url, input.api_key ?? null));
});
