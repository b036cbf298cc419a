import Link from "next/link";
import { listRequestsQuery } from "@/lib/history/schema";
import { listRequests, requestFacets } from "@/lib/history/list-requests";
import { TIME_RANGES, type TimeRange } from "@/lib/history/constants";
import { BarChart } from "@/app/components/bar-chart";
import { fmtClock } from "@/app/components/format";
import { pageContext } from "../page-context";
import { HistoryFilters } from "./history-filters";
import { HistoryTable } from "./history-table";

type SearchParams = Record<string, string | string[] | undefined>;
const PAGE_SIZE = 25;

export default async function HistoryPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { t, lang, db } = await pageContext();
  const sp = await searchParams;
  const one = (k: string) => (typeof sp[k] === "string" && sp[k] !== "" ? (sp[k] as string) : undefined);
  const range = one("range") ?? "24h";
  const rangeMs = TIME_RANGES[range as TimeRange] as number | undefined;
  const parsed = listRequestsQuery.safeParse({
    model: one("model"),
    endpoint_id: one("endpoint_id"),
    api_key_id: one("api_key_id"),
    status: one("status"),
    from: rangeMs ? new Date(Date.now() - rangeMs).toISOString() : undefined,
    page: one("page"),
    page_size: String(PAGE_SIZE),
  });
  const valid = parsed.success && (range === "all" || rangeMs !== undefined);
  const query = parsed.success ? parsed.data : listRequestsQuery.parse({ page_size: String(PAGE_SIZE) });
  const [data, facets] = await Promise.all([listRequests({ db, query }), requestFacets({ db })]);
  const pages = Math.max(1, Math.ceil(data.total / data.page_size));
  const withDate =
    data.series.bucket_ms >= 86_400_000 || data.series.points.length * data.series.bucket_ms > 86_400_000;
  const href = (page: number) => {
    const p = new URLSearchParams();
    for (const k of ["model", "endpoint_id", "api_key_id", "status", "range"]) if (one(k)) p.set(k, one(k)!);
    p.set("page", String(page));
    return `?${p}`;
  };

  // the export holds what the list shows: the same filters and time range, every page
  const exportParams = new URLSearchParams();
  for (const k of ["model", "endpoint_id", "api_key_id", "status", "from"] as const)
    if (query[k]) exportParams.set(k, String(query[k]));
  const exportHref = `/api/requests/export?${exportParams}`;

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t.requestHistory}</h1>
      <HistoryFilters
        t={t}
        models={facets.models}
        endpoints={facets.endpoints}
        apiKeys={facets.apiKeys}
        exportHref={exportHref}
      />
      {!valid && (
        <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">
          {t.badFilter}
        </p>
      )}
      <div className="card">
        <BarChart
          testId="history-chart"
          title={t.requests}
          labels={data.series.points.map((p) => fmtClock(Date.parse(p.t), lang, withDate))}
          series={[
            { label: t.succeeded, color: "green", values: data.series.points.map((p) => p.requests - p.errors) },
            { label: t.errors, color: "red", values: data.series.points.map((p) => p.errors) },
          ]}
        />
      </div>
      <HistoryTable t={t} lang={lang} rows={data.requests} />
      <nav className="flex items-center justify-between text-sm text-slate-600" aria-label={t.pagination}>
        <span data-testid="history-total">
          {t.totalRequests}: {data.total} · {t.page} {data.page} / {pages}
        </span>
        <span className="flex gap-2">
          {data.page > 1 ? (
            <Link className="btn-secondary" href={href(data.page - 1)}>
              {t.previous}
            </Link>
          ) : (
            <span className="btn-secondary opacity-50">{t.previous}</span>
          )}
          {data.page < pages ? (
            <Link className="btn-secondary" href={href(data.page + 1)}>
              {t.next}
            </Link>
          ) : (
            <span className="btn-secondary opacity-50">{t.next}</span>
          )}
        </span>
      </nav>
    </div>
  );
}
