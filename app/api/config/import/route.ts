import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { importConfig } from "@/lib/config/import";
import { configDocumentSchema, importQuery } from "@/lib/config/schema";
import { json, parseBody, parseQuery, route } from "@/lib/http";
import { getDb } from "@/lib/runtime";

/** A dry-run diff of the document against the configuration; `?apply=1` applies it in one transaction. */
export const POST = route(async (req: NextRequest) => {
  await requirePermission(req, "endpoints.manage");
  const actor = await requirePermission(req, "users.manage");
  const { apply } = parseQuery(req, importQuery);
  const doc = await parseBody(req, configDocumentSchema);
  return json(await importConfig({ db: await getDb(), doc, apply: apply === "1", actor }));
});
