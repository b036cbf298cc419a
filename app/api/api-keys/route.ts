import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { createApiKey, createApiKeySchema, listApiKeys } from "@/lib/auth/api-keys";
import { json, parseBody, route } from "@/lib/http";
import { getDb } from "@/lib/runtime";

export const GET = route(async (req: NextRequest) => {
  await requirePermission(req, "api_keys.manage", { dashboardUsersMayRead: true });
  return json({ api_keys: await listApiKeys({ db: await getDb() }) });
});

/** `{name, permissions[], expires_at?}` → 201 with the plaintext `key`, shown this once. */
export const POST = route(async (req: NextRequest) => {
  const actor = await requirePermission(req, "api_keys.manage");
  const input = await parseBody(req, createApiKeySchema);
  return json(await createApiKey({ db: await getDb(), input, actor }), 201);
});
