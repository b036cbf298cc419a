import { messages } from "@/lib/i18n/server";

export default async function OverviewPage() {
  const { t } = await messages();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t.overview}</h1>
    </div>
  );
}
