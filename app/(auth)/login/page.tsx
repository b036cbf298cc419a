import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { loginOptions } from "@/lib/auth/oidc-provider";
import { env } from "@/lib/env";
import { messages } from "@/lib/i18n/server";
import { LanguageSwitch } from "@/app/components/language-switch";
import { LoginForm } from "./login-form";
import { OidcButton } from "./oidc-button";

export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  // the same test as the dashboard's: a cookie it refuses (a changed password) must not bounce back here
  if (await currentUser()) redirect("/dashboard");
  const { lang, t } = await messages();
  const { oidcName, localLogin } = loginOptions(env());
  // next-auth sends a refused provider sign-in (bad state, bad ID token…) back here with ?error=
  const error = (await searchParams).error;
  const ssoRefused = Boolean(error) && error !== "CredentialsSignin" && error !== "RateLimited";
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="card w-full max-w-sm">
        <h1 className="mb-4 text-xl font-semibold">{t.appName}</h1>
        {ssoRefused && (
          <p data-testid="sso-error" className="mb-3 text-sm text-red-600">
            {t.ssoFailed}
          </p>
        )}
        {oidcName && <OidcButton label={`${t.signInWith} ${oidcName}`} />}
        {oidcName && localLogin && <p className="my-3 text-center text-xs text-slate-500">{t.orSignInWithPassword}</p>}
        {localLogin && <LoginForm t={t} />}
        <div className="mt-4 flex justify-end border-t border-slate-100 pt-3 text-xs text-slate-500">
          <LanguageSwitch lang={lang} label={t.language} />
        </div>
      </div>
    </main>
  );
}
