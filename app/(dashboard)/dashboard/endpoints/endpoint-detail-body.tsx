import type { Lang, Messages } from "@/lib/i18n/messages";
import type { EndpointDetail } from "@/app/components/api-client";
import { BarChart } from "@/app/components/bar-chart";
import { StatusBadge } from "@/app/components/status-badge";
import { DASH, fmtAgo, fmtClock, fmtDateTime, fmtMs, fmtNumber } from "@/app/components/format";
import { EndpointTelemetry, LoadedMark } from "./endpoint-telemetry";

function Info({ d, t, lang }: { d: EndpointDetail; t: Messages; lang: Lang }) {
  const items: Array<[string, React.ReactNode]> = [
    [t.url, <span key="u" className="break-all font-mono text-xs" data-testid="detail-url">{d.base_url}</span>],
    [t.latency, fmtMs(d.latency_ms)],
    [t.tps, d.aggregate_tps === null ? DASH : fmtNumber(d.aggregate_tps, 1)],
    [t.lastCheck, <span key="c" title={fmtDateTime(d.last_checked_at, lang)} suppressHydrationWarning>{fmtAgo(d.last_checked_at, lang)}</span>],
    [t.lastSeen, <span key="s" title={fmtDateTime(d.last_seen_at, lang)} suppressHydrationWarning>{fmtAgo(d.last_seen_at, lang)}</span>],
    [t.registered, fmtDateTime(d.registered_at, lang)],
    [t.healthCheckInterval, d.health_check_interval_secs],
    [t.inferenceTimeout, d.inference_timeout_secs],
    [t.maxConcurrency, d.max_concurrency ?? t.unlimited],
    [t.apiKey, d.has_api_key ? t.apiKeySet : t.none],
  ];
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
      {items.map(([k, v]) => (
        <div key={k} className="flex justify-between gap-3 border-b border-slate-100 pb-1">
          <dt className="text-slate-500">{k}</dt>
          <dd className="text-right text-slate-800">{v}</dd>
        </div>
      ))}
      {d.notes && (
        <div className="sm:col-span-2">
          <dt className="text-slate-500">{t.notes}</dt>
          <dd className="whitespace-pre-wrap text-slate-800">{d.notes}</dd>
        </div>
      )}
    </dl>
  );
}

function Models({ d, t }: { d: EndpointDetail; t: Messages }) {
  return (
    <section className="space-y-2">
      <h3 className="text-sm font-semibold text-slate-700">
        {t.models} <span className="font-normal text-slate-400">({d.models.length})</span>
      </h3>
      {d.models.length === 0 ? (
        <p className="text-sm text-slate-500">{t.noModels}</p>
      ) : (
        <div className="overflow-x-auto rounded-md border border-slate-200">
          <table className="min-w-full text-sm" aria-label={t.models}>
            <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-3 py-1.5">{t.model}</th>
                <th className="px-3 py-1.5">{t.capabilities}</th>
                <th className="px-3 py-1.5 text-right">{t.contextLength}</th>
                <th className="px-3 py-1.5 text-right">{t.tps}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {d.models.map((m) => (
                <tr key={m.model_id} data-testid="detail-model">
                  <td className="px-3 py-1.5 font-mono text-xs">
                    {m.model_id}
                    {d.telemetry && !d.telemetry.stale && d.telemetry.models.some((x) => x.loaded && x.model_id === m.model_id) && <LoadedMark t={t} />}
                  </td>
                  <td className="px-3 py-1.5">
                    <span className="flex flex-wrap gap-1">
                      {m.capabilities.map((c) => (
                        <span key={c} className="rounded bg-indigo-50 px-1.5 py-0.5 text-xs text-indigo-700">
                          {c}
                        </span>
                      ))}
                    </span>
                  </td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{fmtNumber(m.context_length)}</td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{m.tps === null ? DASH : fmtNumber(m.tps, 1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function HealthChecks({ d, t, lang }: { d: EndpointDetail; t: Messages; lang: Lang }) {
  const checks = [...d.recent_health_checks].reverse(); // oldest first for the chart
  return (
    <section className="space-y-2">
      <h3 className="text-sm font-semibold text-slate-700">{t.recentHealthChecks}</h3>
      {checks.length === 0 ? (
        <p className="text-sm text-slate-500">{t.noHealthChecks}</p>
      ) : (
        <>
          <BarChart
            title={`${t.latency} (ms)`}
            height={80}
            minBars={20}
            testId="health-chart"
            labels={checks.map((c) => fmtClock(Date.parse(c.checked_at), lang))}
            series={[
              { label: t.checkOk, color: "green", values: checks.map((c) => (c.ok ? (c.latency_ms ?? 0) : 0)) },
              { label: t.checkFailed, color: "red", values: checks.map((c) => (c.ok ? 0 : Math.max(c.latency_ms ?? 0, 1))) },
            ]}
          />
          <ul className="divide-y divide-slate-100 text-xs" data-testid="health-checks">
            {d.recent_health_checks.slice(0, 5).map((c) => (
              <li key={c.checked_at} className="flex flex-wrap items-center gap-2 py-1.5">
                <span className="w-36 text-slate-500" suppressHydrationWarning>
                  {fmtDateTime(c.checked_at, lang)}
                </span>
                <span className={c.ok ? "text-green-700" : "text-red-700"}>{c.ok ? "✓" : "✗"}</span>
                <span className="w-16 tabular-nums">{fmtMs(c.latency_ms)}</span>
                {c.status_before !== c.status_after && (
                  <span className="inline-flex items-center gap-1">
                    <StatusBadge status={c.status_before} t={t} /> → <StatusBadge status={c.status_after} t={t} />
                  </span>
                )}
                {c.error && <span className="min-w-0 flex-1 truncate text-red-700" title={c.error}>{c.error}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** The read-only parts of the detail modal. */
export function EndpointDetailBody({ d, t, lang }: { d: EndpointDetail; t: Messages; lang: Lang }) {
  return (
    <>
      {d.last_error && (
        <div className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200" data-testid="detail-last-error">
          <span className="font-medium">{t.lastError}:</span> {d.last_error}
        </div>
      )}
      <Info d={d} t={t} lang={lang} />
      <Models d={d} t={t} />
      <EndpointTelemetry d={d} t={t} lang={lang} />
      <HealthChecks d={d} t={t} lang={lang} />
    </>
  );
}
