import { listEndpointModels, listEndpoints } from "@/lib/endpoints/read";
import { pageContext } from "../page-context";
import { PlaygroundView, type PlaygroundEndpoint } from "./playground-view";

export default async function PlaygroundPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { t, db } = await pageContext();
  const sp = await searchParams;
  const { endpoints } = await listEndpoints({ db, query: {} });
  const models = await Promise.all(endpoints.map((e) => listEndpointModels(db, e.id)));
  const rows: PlaygroundEndpoint[] = endpoints.map((e, i) => ({
    id: e.id,
    name: e.name,
    status: e.status,
    models: models[i].map((m) => m.model_id),
    loaded: e.loaded_models,
  }));
  const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);
  return <PlaygroundView t={t} endpoints={rows} initialModel={one(sp.model)} initialEndpoint={one(sp.endpoint)} />;
}
