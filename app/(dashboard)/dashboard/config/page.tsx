import { pageContext } from "../page-context";
import { ConfigView } from "./config-view";

export default async function ConfigPage() {
  const { t, can } = await pageContext();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t.configuration}</h1>
      {can("endpoints.manage") && can("users.manage") ? (
        <ConfigView t={t} />
      ) : (
        <p className="card text-sm text-slate-600">{t.adminOnly}</p>
      )}
    </div>
  );
}
