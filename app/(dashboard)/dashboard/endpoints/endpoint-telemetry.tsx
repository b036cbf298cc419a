import type { Lang, Messages } from "@/lib/i18n/messages";
import type { EndpointDetail } from "@/app/components/api-client";
import { DASH, fmtAgo, fmtDateTime, fmtNumber, fmtPercent } from "@/app/components/format";

const pair = (a: number | null, b: number | null) => (a === null && b === null ? DASH : `${a ?? DASH} / ${b ?? DASH}`);
const gib = (bytes: number | null) => (bytes === null ? DASH : `${fmtNumber(bytes / 1024 ** 3, 1)} GiB`);

/** what the engine reports about itself — loaded models with context and VRAM, queue, slots, age. */
export function EndpointTelemetry({ d, t, lang }: { d: EndpointDetail; t: Messages; lang: Lang }) {
  const tm = d.telemetry;
  const loaded = tm?.models.filter((m) => m.loaded) ?? [];
  return (
    <section className="space-y-2" data-testid="detail-telemetry">
      <h3 className="text-sm font-semibold text-slate-700">
        {t.telemetry}
        {tm && (
          <span
            className="ml-2 font-normal text-slate-400"
            data-testid="telemetry-age"
            title={fmtDateTime(tm.read_at, lang)}
            suppressHydrationWarning
          >
            {t.telemetryAge} {fmtAgo(tm.read_at, lang)}
          </span>
        )}
        {tm?.stale && (
          <span className="ml-2 rounded bg-amber-50 px-1.5 py-0.5 text-xs text-amber-800" data-testid="telemetry-stale">
            {t.telemetryStale}
          </span>
        )}
      </h3>
      {!tm ? (
        <p className="text-sm text-slate-500">{t.noTelemetry}</p>
      ) : (
        <>
          <dl className="grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-3">
            {(
              [
                [t.engineQueue, pair(tm.running, tm.waiting), "telemetry-queue"],
                [t.slots, pair(tm.busy_slots, tm.slots), "telemetry-slots"],
                [t.kvCache, tm.kv_cache_usage === null ? DASH : fmtPercent(tm.kv_cache_usage), "telemetry-kv"],
              ] as const
            ).map(([k, v, id]) => (
              <div key={id} className="flex justify-between gap-3 border-b border-slate-100 pb-1">
                <dt className="text-slate-500">{k}</dt>
                <dd className="text-right tabular-nums text-slate-800" data-testid={id}>
                  {v}
                </dd>
              </div>
            ))}
          </dl>
          {loaded.length === 0 ? (
            <p className="text-sm text-slate-500">{t.noLoadedModels}</p>
          ) : (
            <table className="min-w-full text-sm" aria-label={t.loadedModels}>
              <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="px-3 py-1.5">{t.loadedModels}</th>
                  <th className="px-3 py-1.5 text-right">{t.contextLength}</th>
                  <th className="px-3 py-1.5 text-right">{t.vram}</th>
                  <th className="px-3 py-1.5 text-right">{t.unloadsAt}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {loaded.map((m) => (
                  <tr key={m.model_id} data-testid="telemetry-loaded-model">
                    <td className="px-3 py-1.5 font-mono text-xs">{m.model_id}</td>
                    <td className="px-3 py-1.5 text-right tabular-nums">
                      {fmtNumber(m.context_length ?? m.max_context_length)}
                    </td>
                    <td className="px-3 py-1.5 text-right tabular-nums">{gib(m.vram_bytes)}</td>
                    <td className="px-3 py-1.5 text-right" suppressHydrationWarning>
                      {m.expires_at ? fmtDateTime(m.expires_at, lang) : DASH}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

/** The "loaded" mark next to a model the engine reports loaded. */
export function LoadedMark({ t }: { t: Messages }) {
  return (
    <span className="ml-1 rounded bg-emerald-50 px-1.5 py-0.5 text-xs text-emerald-700" data-testid="loaded-mark">
      {t.loaded}
    </span>
  );
}
