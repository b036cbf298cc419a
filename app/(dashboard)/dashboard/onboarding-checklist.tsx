import Link from "next/link";
import type { Messages } from "@/lib/i18n/messages";
import type { onboardingState } from "@/lib/onboarding/state";
import { SnippetTabs } from "@/app/components/snippet-tabs";

type State = Awaited<ReturnType<typeof onboardingState>>;

function Step({
  done,
  n,
  title,
  children,
  testId,
}: {
  done: boolean;
  n: number;
  title: string;
  children?: React.ReactNode;
  testId: string;
}) {
  return (
    <li className="flex gap-3" data-testid={testId} data-done={done}>
      <span
        aria-hidden
        className={`mt-0.5 flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${done ? "bg-green-600 text-white" : "bg-slate-200 text-slate-700"}`}
      >
        {done ? "✓" : n}
      </span>
      <div className="min-w-0 flex-1 space-y-1">
        <div className="font-medium">{title}</div>
        {children}
      </div>
    </li>
  );
}

/** The first-run checklist: add an endpoint → create an API key → copy a snippet with this server's address. */
export function OnboardingChecklist({ t, state, origin }: { t: Messages; state: State; origin: string }) {
  return (
    <section className="card space-y-3" data-testid="onboarding" aria-label={t.getStarted}>
      <h2 className="text-base font-semibold">{t.getStarted}</h2>
      <ol className="space-y-4 text-sm">
        <Step n={1} done={state.steps.endpoint} title={t.onboardEndpoint} testId="step-endpoint">
          <p className="text-slate-500">{t.onboardEndpointHint}</p>
          <Link href="/dashboard/endpoints" className="text-indigo-600 hover:underline">
            {t.endpoints} →
          </Link>
        </Step>
        <Step n={2} done={state.steps.apiKey} title={t.onboardKey} testId="step-key">
          <p className="text-slate-500">{t.onboardKeyHint}</p>
          <Link href="/dashboard/api-keys" className="text-indigo-600 hover:underline">
            {t.apiKeys} →
          </Link>
        </Step>
        <Step n={3} done={false} title={t.onboardSnippet} testId="step-snippet">
          <p className="text-slate-500">
            {t.onboardSnippetHint} <code className="font-mono">{origin}/v1</code>
          </p>
          <SnippetTabs t={t} origin={origin} model={state.model} />
        </Step>
      </ol>
    </section>
  );
}
