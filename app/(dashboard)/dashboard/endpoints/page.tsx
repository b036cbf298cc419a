import { listEndpoints } from "@/lib/endpoints/read";
import { pageContext } from "../page-context";
import { EndpointsView } from "./endpoints-view";

export default async function EndpointsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { t, lang, db, can } = await pageContext();
  const { endpoints } = await listEndpoints({ db, query: {} });
  const open = (await searchParams).open; // ?open=<id>: the overview's "needs attention" opens that endpoint
  const openId = typeof open === "string" && endpoints.some((e) => e.id === open) ? open : null;
  return <EndpointsView t={t} lang={lang} initial={endpoints} canManage={can("endpoints.manage")} open={openId} />;
}
