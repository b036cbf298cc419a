"use client";
import { useMemo } from "react";
import { getCoreRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";
import type { Lang, Messages } from "@/lib/i18n/messages";
import type { EndpointDetail } from "@/app/components/api-client";
import { localize } from "@/lib/i18n/localize";
import { BarChart } from "@/app/components/bar-chart";
import { DataTable } from "@/app/components/data-table";
import { StatusBadge } from "@/app/components/status-badge";
import { DASH, fmtAgo, fmtClock, fmtDateTime, fmtMs, fmtNumber } from "@/app/components/format";
import { EndpointTelemetry, LoadedMark } from "./endpoint-telemetry";

function Info({ d, t, lang }: { d: EndpointDetail; t: Messages; lang: Lang }) {
  const items: Array<[string, React.ReactNode]> = [
    [
      t.url,
      <span key="u" className="break-all font-mono text-xs" data-testid="detail-url">
        {d.base_url}
      </span>,
    ],
    [t.latency, fmtMs(d.latency_ms)],
    [t.tps, d.aggregate_tps === null ? DASH : fmtNumber(d.aggregate_tps, 1)],
    [
      t.lastCheck,
      <span key="c" title={fmtDateTime(d.last_checked_at, lang)} suppressHydrationWarning>
        {fmtAgo(d.last_checked_at, lang)}
      </span>,
    ],
    [
      t.lastSeen,
      <span key="s" title={fmtDateTime(d.last_seen_at, lang)} suppressHydrationWarning>
        {fmtAgo(d.last_seen_at, lang)}
      </span>,
    ],
    [t.registered, fmtDateTime(d.registered_at, lang)],
    [t.healthCheckInterval, d.health_check_interval_secs],
    [t.inferenceTimeout, d.inference_timeout_secs],
    [t.modelLoadTimeout, d.model_load_timeout_secs],
    [t.generationProbe, d.generation_probe_effective ? t.generationProbeOn : t.generationProbeOff],
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

type ModelRow = EndpointDetail["models"][number];

/** Whether the engine reports the model loaded (fresh telemetry only). */
const loadedIn = (d: EndpointDetail) => (modelId: string) =>
  !!d.telemetry && !d.telemetry.stale && d.telemetry.models.some((x) => x.loaded && x.model_id === modelId);

function modelColumns(t: Messages, loaded: (modelId: string) => boolean): ColumnDef<ModelRow>[] {
  return [
    {
      id: "model",
      header: t.model,
      cell: ({ row }) => (
        <span className="font-mono text-xs">
          {row.original.model_id}
          {loaded(row.original.model_id) && <LoadedMark t={t} />}
        </span>
      ),
    },
    {
      id: "capabilities",
      header: t.capabilities,
      meta: { wrap: true },
      cell: ({ row }) => (
        <span className="flex flex-wrap gap-1">
          {row.original.capabilities.map((c) => (
            <span key={c} className="rounded bg-indigo-50 px-1.5 py-0.5 text-xs text-indigo-700">
              {c}
            </span>
          ))}
        </span>
      ),
    },
    {
      id: "context",
      header: t.contextLength,
      meta: { align: "right" },
      cell: ({ row }) => fmtNumber(row.original.context_length),
    },
    {
      id: "tps",
      header: t.tps,
      meta: { align: "right" },
      cell: ({ row }) => (row.original.tps === null ? DASH : fmtNumber(row.original.tps, 1)),
    },
  ];
}

function ModelsTable({ d, t }: { d: EndpointDetail; t: Messages }) {
  const cols = useMemo(() => modelColumns(t, loadedIn(d)), [t, d]);
  const table = useReactTable({
    data: d.models,
    columns: cols,
    getCoreRowModel: getCoreRowModel(),
    enableSorting: false,
    getRowId: (m) => m.model_id,
  });
  return (
    <DataTable
      table={table}
      label={t.models}
      empty={t.noModels}
      rowTestId="detail-model"
      className="rounded-md border border-slate-200"
    />
  );
}

function Models({ d, t }: { d: EndpointDetail; t: Messages }) {
  return (
    <section className="space-y-2">
      <h3 className="text-sm font-semibold text-slate-700">
        {t.models} <span className="font-normal text-slate-400">({d.models.length})</span>
      </h3>
      {d.models.length === 0 ? <p className="text-sm text-slate-500">{t.noModels}</p> : <ModelsTable d={d} t={t} />}
    </section>
  );
}

function HealthChecks({ d, t, lang }: { d: EndpointDetail; t: Messages; lang: Lang }) {
  const checks = [...d.recent_health_checks].reverse(); // oldest first for the chart
  // a failed check has no latency worth a scale: it is a full-height red marker; the scale is the OK checks'
  const okMax = Math.max(0, ...checks.filter((c) => c.ok).map((c) => c.latency_ms ?? 0));
  const failedHeight = okMax > 0 ? okMax : 1;
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
              { label: t.checkFailed, color: "red", values: checks.map((c) => (c.ok ? 0 : failedHeight)) },
            ]}
            showMax={okMax > 0}
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
                {c.error && (
                  <span className="min-w-0 flex-1 truncate text-red-700" title={localize(c.error, t)}>
                    {localize(c.error, t)}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** The read-only parts of the detail modal. */
export function EndpointDetailBody({
  d,
  t,
  lang,
  hideLastError = false,
}: {
  d: EndpointDetail;
  t: Messages;
  lang: Lang;
  hideLastError?: boolean;
}) {
  return (
    <>
      {d.last_error && !hideLastError && (
        <div
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200"
          data-testid="detail-last-error"
        >
          <span className="font-medium">{t.lastError}:</span> {localize(d.last_error, t)}
        </div>
      )}
      <Info d={d} t={t} lang={lang} />
      <Models d={d} t={t} />
      <EndpointTelemetry d={d} t={t} lang={lang} />
      <HealthChecks d={d} t={t} lang={lang} />
    </>
  );
}
