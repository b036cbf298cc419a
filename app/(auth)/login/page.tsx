import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { messages } from "@/lib/i18n/server";
import { LanguageSwitch } from "@/app/components/language-switch";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";

export default async function LoginPage() {
  // the same test as the dashboard's: a cookie it refuses (a changed password) must not bounce back here
  if (await currentUser()) redirect("/dashboard");
  const { lang, t } = await messages();
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="card w-full max-w-sm">
        <h1 className="mb-4 text-xl font-semibold">{t.appName}</h1>
        <LoginForm t={t} />
        <div className="mt-4 flex justify-end border-t border-slate-100 pt-3 text-xs text-slate-500">
          <LanguageSwitch lang={lang} label={t.language} />
        </div>
      </div>
    </main>
  );
}
