import { headers } from "next/headers";
import { onboardingState, publicOrigin } from "@/lib/onboarding/state";
import { pageContext } from "../page-context";
import { OnboardingChecklist } from "../onboarding-checklist";

/** Getting started (also the sidebar's "Docs"): the checklist, the snippets, where the API is. */
export default async function GetStartedPage() {
  const { t, db } = await pageContext();
  const origin = publicOrigin(await headers());
  const state = await onboardingState({ db });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t.getStarted}</h1>
      <OnboardingChecklist t={t} state={state} origin={origin} />
      <section className="card space-y-1 text-sm">
        <h2 className="font-semibold">{t.docsApi}</h2>
        <p>{t.docsApiText}</p>
        <ul className="list-inside list-disc font-mono text-xs">
          <li>{origin}/v1 — OpenAI</li>
          <li>{origin}/v1/messages — Anthropic</li>
          <li>
            {origin}/api — REST ({t.docsRest})
          </li>
          <li>{origin}/metrics — Prometheus</li>
        </ul>
      </section>
    </div>
  );
}
