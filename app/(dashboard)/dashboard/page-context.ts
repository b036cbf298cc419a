import "server-only";
import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { hasPermission } from "@/lib/auth/permissions";
import { messages } from "@/lib/i18n/server";
import type { Permission } from "@/lib/db/constants";
import { getDb } from "@/lib/runtime";

/** What every dashboard page needs: the signed-in user, the language, and what the user may do. */
export async function pageContext() {
  const user = await currentUser();
  if (!user) redirect("/login");
  const { lang, t } = await messages();
  return { user, lang, t, db: await getDb(), can: (p: Permission) => hasPermission(user, p) };
}
