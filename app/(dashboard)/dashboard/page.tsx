import Link from "next/link";
import { ENDPOINT_STATUSES } from "@/lib/db/constants";
import { getOverview } from "@/lib/history/overview";
import { AutoRefresh } from "@/app/components/auto-refresh";
import { BarChart } from "@/app/components/bar-chart";
import { StatCard } from "@/app/components/stat-card";
import { StatusBadge } from "@/app/components/status-badge";
import { fmtClock, fmtMs, fmtNumber, fmtPercent } from "@/app/components/format";
import { pageContext } from "./page-context";
import { NeedsAttention } from "./needs-attention";
import { OnboardingChecklist } from "./onboarding-checklist";
import { onboardingState, publicOrigin } from "@/lib/onboarding/state";
import { headers } from "next/headers";
import { endpointsNeedingAttention } from "@/lib/endpoints/attention";

const compact = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(n >= 100_000 ? 0 : 1)}k` : String(Math.round(n)));

export default async function OverviewPage() {
  const { t, lang, db } = await pageContext();
  const [o, attention, onboarding] = await Promise.all([
    getOverview({ db }),
    endpointsNeedingAttention({ db }),
    onboardingState({ db }),
  ]);
  const origin = publicOrigin(await headers());
  const labels = o.series.map((p) => fmtClock(Date.parse(p.t), lang));
  const w = o.window;
  return (
    <div className="space-y-6">
      <AutoRefresh ms={10_000} />
      <div>
        <h1 className="text-2xl font-semibold">{t.overview}</h1>
        <p className="text-sm text-slate-500">{t.last24h}</p>
      </div>

      <section className="card space-y-3" data-testid="overview-endpoints">
        <div className="flex items-center justify-between">
          <h2 className="text-sm font-semibold text-slate-700">
            {t.endpoints} <span className="font-normal text-slate-400">({o.endpoints.total})</span>
          </h2>
          <Link href="/dashboard/endpoints" className="text-sm text-indigo-600 hover:underline">
            {t.viewAll} →
          </Link>
        </div>
        <div className="flex flex-wrap gap-2">
          {ENDPOINT_STATUSES.map((s) => (
            <StatusBadge key={s} status={s} t={t} count={o.endpoints[s]} />
          ))}
        </div>
      </section>

      {!onboarding.done && <OnboardingChecklist t={t} state={onboarding} origin={origin} />}
      {attention.length > 0 && <NeedsAttention rows={attention} t={t} lang={lang} />}

      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <StatCard
          testId="stat-requests"
          label={t.requests24h}
          value={fmtNumber(w.requests)}
          hint={`${t.errors}: ${fmtNumber(w.errors)}`}
        />
        <StatCard
          testId="stat-success"
          label={t.successRate}
          value={fmtPercent(w.success_rate)}
          hint={`${t.serverErrors}: ${fmtNumber(w.server_errors)} · ${t.clientErrors}: ${fmtNumber(w.client_errors)}`}
        />
        <StatCard
          testId="stat-latency"
          label={t.latencyP50P95}
          value={`${fmtMs(w.p50_latency_ms)} / ${fmtMs(w.p95_latency_ms)}`}
          hint={t.latencyHint}
        />
        <StatCard
          testId="stat-tokens"
          label={t.tokens24h}
          value={fmtNumber(w.prompt_tokens + w.completion_tokens)}
          hint={`${t.promptTokens} ${fmtNumber(w.prompt_tokens)} · ${t.completionTokens} ${fmtNumber(w.completion_tokens)}`}
        />
      </div>

      <div className="grid gap-4 lg:grid-cols-2">
        <div className="card">
          <BarChart
            testId="chart-requests"
            title={t.requestsPerHour}
            labels={labels}
            format={compact}
            series={[
              { label: t.succeeded, color: "green", values: o.series.map((p) => p.requests - p.errors) },
              { label: t.errors, color: "red", values: o.series.map((p) => p.errors) },
            ]}
          />
        </div>
        <div className="card">
          <BarChart
            testId="chart-tokens"
            title={t.tokensPerHour}
            labels={labels}
            format={compact}
            series={[
              { label: t.promptTokens, color: "sky", values: o.series.map((p) => p.prompt_tokens) },
              { label: t.completionTokens, color: "indigo", values: o.series.map((p) => p.completion_tokens) },
            ]}
          />
        </div>
      </div>
    </div>
  );
}
