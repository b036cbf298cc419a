import { listModelsView } from "@/lib/endpoints/models-view";
import { pageContext } from "../page-context";
import { ModelsTable } from "./models-table";

export default async function ModelsPage() {
  const { t, lang, db } = await pageContext();
  const models = await listModelsView({ db });
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">{t.models}</h1>
        <p className="text-sm text-slate-500">{t.modelsIntro}</p>
      </div>
      <ModelsTable t={t} lang={lang} rows={models} />
    </div>
  );
}
