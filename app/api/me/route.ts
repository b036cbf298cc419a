import type { NextRequest } from "next/server";
import { requirePermission } from "@/lib/auth/guard";
import { changeOwnPassword, changeOwnPasswordSchema } from "@/lib/auth/users";
import { renewOwnSession } from "@/lib/auth/session-renew";
import { json, parseBody, route } from "@/lib/http";
import { getDb } from "@/lib/runtime";

export const GET = route(async (req: NextRequest) => {
  const p = await requirePermission(req, null);
  return json({
    id: p.id,
    kind: p.kind,
    name: p.name,
    role: p.role ?? null,
    permissions: p.permissions,
    must_change_password: p.mustChangePassword ?? false,
  });
});

/** Change my own password: `{current_password, new_password}`. My other sessions end; this one is renewed. */
export const PATCH = route(async (req: NextRequest) => {
  const actor = await requirePermission(req, null);
  const input = await parseBody(req, changeOwnPasswordSchema);
  await changeOwnPassword({ db: await getDb(), actor, input });
  return renewOwnSession({ req, actor, userId: actor.id, res: json({ ok: true }) });
});
