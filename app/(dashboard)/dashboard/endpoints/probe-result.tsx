import type { Messages } from "@/lib/i18n/messages";
import type { ProbeResult } from "@/app/components/api-client";
import { TypeBadge } from "@/app/components/type-badge";
import { fmtMs } from "@/app/components/format";
import { formatMessage, localize } from "@/lib/i18n/localize";

/** The outcome of a connection test: type, models and latency, or the error in plain words. */
export function ProbeResultView({ t, result }: { t: Messages; result: ProbeResult }) {
  const ok = result.ok; // the server's verdict: a known type and a model list that was read
  const dup = result.duplicate_of;
  return (
    <>
      {dup && (
        <p
          role="alert"
          data-testid="duplicate-warning"
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200"
        >
          {formatMessage(t.note_duplicate_origin, { url: result.base_url, name: dup.name, other: dup.base_url })}
        </p>
      )}
      <div
        role="status"
        data-testid="probe-result"
        data-ok={ok}
        className={`space-y-2 rounded-md px-3 py-2 text-sm ${ok ? "bg-green-50 text-green-900 ring-1 ring-green-200" : "bg-red-50 text-red-800 ring-1 ring-red-200"}`}
      >
        <div className="font-medium">{ok ? t.connectionOk : t.connectionFailed}</div>
        {ok ? (
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
            <dt className="text-green-800/80">{t.detectedType}</dt>
            <dd>
              <TypeBadge type={result.endpoint_type} t={t} />
            </dd>
            <dt className="text-green-800/80">{t.latency}</dt>
            <dd>{fmtMs(result.latency_ms)}</dd>
            <dt className="text-green-800/80">{t.modelsFound}</dt>
            <dd className="break-all font-mono text-xs">
              {result.models_found.length ? result.models_found.join(", ") : t.none}
            </dd>
          </dl>
        ) : (
          <p data-testid="probe-error">
            {result.error ? localize(result.error, t) : result.reachable ? t.notAnInferenceServer : t.unreachable}
          </p>
        )}
      </div>
    </>
  );
}
