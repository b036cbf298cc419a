import Link from "next/link";
import type { AttentionRow } from "@/lib/endpoints/attention";
import type { Lang, Messages } from "@/lib/i18n/messages";
import { localize } from "@/lib/i18n/localize";
import { StatusBadge } from "@/app/components/status-badge";
import { fmtAgo, fmtDateTime } from "@/app/components/format";

/** Endpoints in `error` or `offline`: what went wrong and since when; each opens the endpoint. */
export function NeedsAttention({ rows, t, lang }: { rows: AttentionRow[]; t: Messages; lang: Lang }) {
  return (
    <section className="card space-y-2 border-red-200" data-testid="needs-attention" aria-label={t.needsAttention}>
      <h2 className="text-sm font-semibold text-red-800">
        {t.needsAttention} <span className="font-normal text-slate-400">({rows.length})</span>
      </h2>
      <ul className="divide-y divide-slate-100">
        {rows.map((r) => (
          <li key={r.id}>
            <Link
              href={`/dashboard/endpoints?open=${encodeURIComponent(r.id)}`}
              className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2 hover:bg-slate-50"
              data-testid="attention-row"
            >
              <span className="font-medium">{r.name}</span>
              <StatusBadge status={r.status} t={t} />
              <span className="text-xs text-slate-500" title={fmtDateTime(r.since, lang)} suppressHydrationWarning>
                {t.since} {fmtAgo(r.since, lang)}
              </span>
              {r.last_error && <span className="w-full text-sm text-red-700">{localize(r.last_error, t)}</span>}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
