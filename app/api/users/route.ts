import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { createUser, createUserSchema, listUsers } from "@/lib/auth/users";
import { json, parseBody, route } from "@/lib/http";
import { getDb } from "@/lib/runtime";

export const GET = route(async (req: NextRequest) => {
  await requirePermission(req, "users.manage", { dashboardUsersMayRead: true });
  return json({ users: await listUsers({ db: await getDb() }) });
});

export const POST = route(async (req: NextRequest) => {
  const actor = await requirePermission(req, "users.manage");
  const input = await parseBody(req, createUserSchema);
  return json(await createUser({ db: await getDb(), input, actor }), 201);
});
