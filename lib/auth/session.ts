import "server-only";
import { getServerSession } from "next-auth";
import { authOptions } from "./options";
import { getUser } from "./users";
import { getDb } from "../runtime";
import type { Role } from "../db/constants";

export interface SessionUser {
  id: string;
  name: string;
  role: Role;
  mustChangePassword: boolean;
}

/** The signed-in dashboard user, read fresh from the database (a deleted user's cookie is worthless). */
export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions());
  if (!session?.user?.id) return null;
  const user = await getUser(await getDb(), session.user.id);
  if (!user) return null;
  return { id: user.id, name: user.username, role: user.role, mustChangePassword: user.mustChangePassword };
}
