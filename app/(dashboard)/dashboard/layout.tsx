import { redirect } from "next/navigation";
import { headers } from "next/headers";
import { currentUser } from "@/lib/auth/session";
import { messages } from "@/lib/i18n/server";
import { SideMenu } from "@/app/components/side-menu";
import { LanguageSwitch } from "@/app/components/language-switch";
import { SignOutButton } from "@/app/components/sign-out-button";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await currentUser();
  if (!user) redirect("/login");
  const { lang, t } = await messages();
  const path = (await headers()).get("x-llmlb-path") ?? "";
  if (user.mustChangePassword && !path.startsWith("/dashboard/account")) redirect("/dashboard/account");
  return (
    <div className="flex min-h-screen">
      <aside className="flex w-56 shrink-0 flex-col border-r border-slate-200 bg-white">
        <div className="px-4 py-4 text-lg font-semibold">{t.appName}</div>
        <SideMenu t={t} isAdmin={user.role === "admin"} />
        <div className="mt-auto space-y-2 border-t border-slate-200 p-4 text-xs text-slate-500">
          <div>
            {t.signedInAs} <span className="font-medium text-slate-700">{user.name}</span> ({user.role === "admin" ? t.admin : t.viewer})
          </div>
          <LanguageSwitch lang={lang} label={t.language} />
          <SignOutButton label={t.signOut} />
        </div>
      </aside>
      <main className="min-w-0 flex-1 p-6">{children}</main>
    </div>
  );
}
