import "server-only";
import { headers } from "next/headers";
import { env } from "../env";
import { getDb } from "../runtime";
import { getUser } from "./users";
import { sessionFromCookies } from "./session-decoder";
import { sessionUserState, type UserPrincipal } from "./session-principal";

/** The principal of a request's session cookie, judged against the user's row read fresh from the database. */
export async function sessionPrincipal(cookieHeader: string | null): Promise<UserPrincipal | null> {
  return sessionFromCookies(cookieHeader, env().LLMLB_SECRET, async (uid) => {
    const row = await getUser(await getDb(), uid);
    return row ? sessionUserState(row) : null;
  });
}

/** The signed-in dashboard user (a deleted user's cookie, or one from before a password change, is worthless). */
export async function currentUser(): Promise<UserPrincipal | null> {
  return sessionPrincipal((await headers()).get("cookie"));
}
