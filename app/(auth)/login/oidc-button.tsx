"use client";
import { useState } from "react";
import { signIn } from "next-auth/react";
import { OIDC_PROVIDER_ID } from "@/lib/db/constants";

/** Starts next-auth's OpenID Connect sign-in (it sets the state and PKCE cookies, then redirects to the provider). */
export function OidcButton({ label }: { label: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="btn-primary w-full"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        void signIn(OIDC_PROVIDER_ID, { callbackUrl: "/dashboard" }).finally(() => setBusy(false));
      }}
    >
      {label}
    </button>
  );
}
