import "server-only";
import type { OAuthConfig } from "next-auth/providers/oauth";
import type { User } from "next-auth";
import type { Env } from "../env";
import { OIDC_PROVIDER_ID } from "../db/constants";
import { getDb } from "../runtime";
import type { Claims } from "./oidc-claims";
import { signInOidcUser } from "./oidc-user";

/** What the login page needs to know (client-safe plain values). */
export function loginOptions(e: Env): { oidcName: string | null; localLogin: boolean } {
  return { oidcName: e.LLMLB_OIDC_ISSUER ? e.LLMLB_OIDC_NAME : null, localLogin: e.LLMLB_LOCAL_LOGIN };
}

/**
 * next-auth's generic OpenID Connect provider, from the environment, or null when it is not configured.
 * Discovery reads the issuer's .well-known document; next-auth (openid-client) checks PKCE (S256) and state
 * against its own cookies, and the ID token's signature, issuer, audience and expiry; `profile` then creates or
 * updates the user (lib/auth/oidc-user.ts).
 */
export function oidcProvider(e: Env): OAuthConfig<Claims> | null {
  if (!e.LLMLB_OIDC_ISSUER || !e.LLMLB_OIDC_CLIENT_ID || !e.LLMLB_OIDC_CLIENT_SECRET) return null;
  const issuer = e.LLMLB_OIDC_ISSUER.replace(/\/+$/, "");
  return {
    id: OIDC_PROVIDER_ID,
    name: e.LLMLB_OIDC_NAME,
    type: "oauth",
    wellKnown: `${issuer}/.well-known/openid-configuration`,
    issuer,
    clientId: e.LLMLB_OIDC_CLIENT_ID,
    clientSecret: e.LLMLB_OIDC_CLIENT_SECRET,
    authorization: { params: { scope: "openid profile email" } },
    idToken: true,
    checks: ["pkce", "state"],
    async profile(claims): Promise<User> {
      const config = { adminGroups: e.LLMLB_OIDC_ADMIN_GROUPS, groupsClaim: e.LLMLB_OIDC_GROUPS_CLAIM };
      const user = await signInOidcUser({ db: await getDb(), provider: OIDC_PROVIDER_ID, claims, config });
      return {
        id: user.id,
        name: user.username,
        role: user.role,
        mustChangePassword: false,
        credentialVersion: user.credentialVersion,
      };
    },
  };
}
