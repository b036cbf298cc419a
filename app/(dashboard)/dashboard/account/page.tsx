import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { messages } from "@/lib/i18n/server";
import { ChangePasswordForm } from "./change-password-form";

export default async function AccountPage() {
  const user = await currentUser();
  if (!user) redirect("/login");
  const { t } = await messages();
  return (
    <div className="max-w-md space-y-4">
      <h1 className="text-2xl font-semibold">{t.account}</h1>
      <div className="card text-sm">
        <div>
          {t.username}: <span className="font-medium">{user.name}</span>
        </div>
        <div>
          {t.role}: {user.role === "admin" ? t.admin : t.viewer}
        </div>
      </div>
      {user.mustChangePassword && (
        <p role="status" className="rounded-md bg-amber-50 p-3 text-sm text-amber-800">
          {t.mustChangePassword}
        </p>
      )}
      <ChangePasswordForm t={t} username={user.name} />
    </div>
  );
}
