"use client";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { STATUS_CLASSES, TIME_RANGES } from "@/lib/history/constants";
import type { Messages } from "@/lib/i18n/messages";

/** Filters live in the URL: changing one reloads the server page at page 1. */
type Option = { id: string; name: string };

export function HistoryFilters({
  t,
  models,
  endpoints,
  apiKeys,
  exportHref,
}: {
  t: Messages;
  models: string[];
  endpoints: Option[];
  apiKeys: Option[];
  exportHref: string;
}) {
  const router = useRouter();
  const path = usePathname();
  const params = useSearchParams();
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete("page");
    router.push(`${path}?${next}`);
  };
  const select = (key: string, label: string, all: string, options: Array<[string, string]>, fallback = "") => (
    <label className="text-sm">
      <span className="sr-only">{label}</span>
      <select
        aria-label={label}
        className="input w-auto"
        value={params.get(key) ?? fallback}
        onChange={(e) => set(key, e.target.value)}
      >
        <option value={fallback === "" ? "" : "all"}>{all}</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="flex flex-wrap gap-2" data-testid="history-filters">
      {select(
        "model",
        t.model,
        t.allModels,
        models.map((m) => [m, m]),
      )}
      {select(
        "endpoint_id",
        t.endpoint,
        t.allEndpoints,
        endpoints.map((e) => [e.id, e.name]),
      )}
      {select(
        "api_key_id",
        t.caller,
        t.allKeys,
        apiKeys.map((k) => [k.id, k.name]),
      )}
      {select(
        "status",
        t.status,
        t.allStatuses,
        STATUS_CLASSES.map((s) => [s, s]),
      )}
      {select(
        "range",
        t.timeRange,
        t.allTime,
        Object.keys(TIME_RANGES).map((r) => [r, t[`range_${r as keyof typeof TIME_RANGES}`]]),
        "24h",
      )}
      <a className="btn-secondary" href={exportHref} download data-testid="export-csv">
        {t.exportCsv}
      </a>
    </div>
  );
}
