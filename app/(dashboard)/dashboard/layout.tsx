import { redirect } from "next/navigation";
import { headers } from "next/headers";
import { currentUser } from "@/lib/auth/session";
import { messages } from "@/lib/i18n/server";
import { SideMenu } from "@/app/components/side-menu";
import { LanguageSwitch } from "@/app/components/language-switch";
import { SignOutButton } from "@/app/components/sign-out-button";
import { NavShell } from "@/app/components/nav-shell";
import { ThemeToggle } from "@/app/components/theme-toggle";
import Link from "next/link";
import pkg from "@/package.json" with { type: "json" };

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await currentUser();
  if (!user) redirect("/login");
  const { lang, t } = await messages();
  const path = (await headers()).get("x-llmlb-path") ?? "";
  if (user.mustChangePassword && !path.startsWith("/dashboard/account")) redirect("/dashboard/account");
  const sidebar = (
    <>
      <div className="px-4 py-4 text-lg font-semibold">{t.appName}</div>
      <SideMenu t={t} isAdmin={user.role === "admin"} />
      <div className="mt-auto space-y-2 border-t border-slate-200 p-4 text-xs text-slate-500">
        <div>
          {t.signedInAs} <span className="font-medium text-slate-700">{user.name}</span> (
          {user.role === "admin" ? t.admin : t.viewer})
        </div>
        <LanguageSwitch lang={lang} label={t.language} />
        <ThemeToggle label={t.theme} names={{ system: t.theme_system, light: t.theme_light, dark: t.theme_dark }} />
        <SignOutButton label={t.signOut} />
        <div className="flex items-center justify-between pt-1" data-testid="app-version">
          <span>v{pkg.version}</span>
          <Link href="/dashboard/get-started" className="text-indigo-600 hover:underline">
            {t.docs}
          </Link>
        </div>
      </div>
    </>
  );
  return (
    <NavShell title={t.appName} menuLabel={t.menu} sidebar={sidebar}>
      {children}
    </NavShell>
  );
}
