import { listEndpoints } from "@/lib/endpoints/read";
import { pageContext } from "../page-context";
import { EndpointsView } from "./endpoints-view";

export default async function EndpointsPage() {
  const { t, lang, db, can } = await pageContext();
  const { endpoints } = await listEndpoints({ db, query: {} });
  return <EndpointsView t={t} lang={lang} initial={endpoints} canManage={can("endpoints.manage")} />;
}
