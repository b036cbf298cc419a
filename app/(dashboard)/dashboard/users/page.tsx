import { listUsers } from "@/lib/auth/users";
import { pageContext } from "../page-context";
import { UsersView } from "./users-view";

export default async function UsersPage() {
  const { t, lang, db, can, user } = await pageContext();
  if (!can("users.manage")) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold">{t.users}</h1>
        <p className="card text-sm text-slate-600">{t.adminOnly}</p>
      </div>
    );
  }
  return <UsersView t={t} lang={lang} users={await listUsers({ db })} selfId={user.id} />;
}
