import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { strictDecode } from "./session-decoder";
import { userPrincipal } from "./session-principal";
import { env } from "../env";
import { getDb } from "../runtime";
import type { Role } from "../db/constants";
import { getUser, verifyLogin } from "./users";
import { loginLimiter, loginLimitKey } from "./login-limit";
import { loginCredentials } from "./login-body";
import { oidcProvider } from "./oidc-provider";

declare module "next-auth" {
  interface User {
    role: Role;
    mustChangePassword: boolean;
    credentialVersion: number;
  }
  interface Session {
    user: { id: string; name: string; role: Role; mustChangePassword: boolean };
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    role?: Role;
    mustChangePassword?: boolean;
    /** the user's credential version at sign-in: the session is refused once a password change raises it */
    cv?: number;
  }
}

/** Username and password, checked against the users table, rate-limited per client and username. */
function credentialsProvider() {
  return CredentialsProvider({
    name: "credentials",
    credentials: { username: { label: "Username", type: "text" }, password: { label: "Password", type: "password" } },
    async authorize(credentials, req) {
      const { username, password } = loginCredentials(credentials);
      const key = loginLimitKey(req?.headers as Record<string, string> | undefined, username);
      // the route's gate answers 429 first; checked again here, on the very fields that sign in
      if (loginLimiter().retryAfter(key) > 0) return null;
      const user = username && password ? await verifyLogin(await getDb(), username, password) : null;
      if (!user) {
        loginLimiter().fail(key);
        return null;
      }
      loginLimiter().reset(key);
      const who = userPrincipal(user);
      return {
        id: who.id,
        name: who.name,
        role: who.role,
        mustChangePassword: who.mustChangePassword,
        credentialVersion: user.credentialVersion,
      };
    },
  });
}

export function authOptions(): NextAuthOptions {
  const oidc = oidcProvider(env());
  return {
    secret: env().LLMLB_SECRET,
    session: { strategy: "jwt", maxAge: env().LLMLB_SESSION_MAX_AGE_SECS },
    jwt: { maxAge: env().LLMLB_SESSION_MAX_AGE_SECS, decode: strictDecode },
    pages: { signIn: "/login", error: "/login" }, // a refused sign-in comes back to the login page with ?error=
    providers: [
      ...(oidc ? [oidc] : []),
      // LLMLB_LOCAL_LOGIN=0: no password sign-in at all, not only a hidden form
      ...(env().LLMLB_LOCAL_LOGIN ? [credentialsProvider()] : []),
    ],
    callbacks: {
      async jwt({ token, user, trigger }) {
        if (user) {
          token.uid = user.id;
          token.role = user.role;
          token.mustChangePassword = user.mustChangePassword;
          token.cv = user.credentialVersion;
        } else if (trigger === "update" && token.uid) {
          // never cv: a session from before a password change must not be able to renew itself into a valid one
          const fresh = await getUser(await getDb(), token.uid);
          if (fresh) {
            token.role = fresh.role;
            token.mustChangePassword = fresh.mustChangePassword;
          }
        }
        return token;
      },
      async session({ session, token }) {
        session.user = {
          id: token.uid ?? "",
          name: token.name ?? "",
          role: token.role ?? "viewer",
          mustChangePassword: token.mustChangePassword ?? false,
        };
        return session;
      },
    },
  };
}
