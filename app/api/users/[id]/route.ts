import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { deleteUser, updateUser, updateUserSchema } from "@/lib/auth/users";
import { renewOwnSession } from "@/lib/auth/session-renew";
import { json, parseBody, route, type IdParams } from "@/lib/http";
import { getDb } from "@/lib/runtime";

/** Change role and/or reset the password: `{role?, password?}`. A reset ends the user's sessions (mine: renewed). */
export const PATCH = route(async (req: NextRequest, { params }: IdParams) => {
  const actor = await requirePermission(req, "users.manage");
  const input = await parseBody(req, updateUserSchema);
  const id = (await params).id;
  const res = json(await updateUser({ db: await getDb(), id, input, actor }));
  return input.password ? renewOwnSession({ req, actor, userId: id, res }) : res;
});

export const DELETE = route(async (req: NextRequest, { params }: IdParams) => {
  const actor = await requirePermission(req, "users.manage");
  await deleteUser({ db: await getDb(), id: (await params).id, actor });
  return new Response(null, { status: 204 });
});
