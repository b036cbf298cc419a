import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { exportConfig } from "@/lib/config/export";
import { json, route } from "@/lib/http";
import { getDb } from "@/lib/runtime";

/** The configuration as one JSON document, without secrets (lib/config/schema.ts). */
export const GET = route(async (req: NextRequest) => {
  await requirePermission(req, "endpoints.manage");
  await requirePermission(req, "users.manage");
  return json(await exportConfig({ db: await getDb() }), 200, {
    "content-disposition": 'attachment; filename="llmlb-config.json"',
  });
});
