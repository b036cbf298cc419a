"use client";
import { useState } from "react";
import { ENDPOINT_STATUSES, ENDPOINT_TYPES, type EndpointStatus, type EndpointType } from "@/lib/db/constants";
import type { Lang, Messages } from "@/lib/i18n/messages";
import { endpointsApi, usePolling, type EndpointDto } from "@/app/components/api-client";
import { StatusBadge } from "@/app/components/status-badge";
import { EndpointsTable } from "./endpoints-table";
import { NewEndpointDialog } from "./new-endpoint-dialog";
import { EndpointDetailModal } from "./endpoint-detail-modal";

/** How often the list refreshes itself: statuses change without a reload. */
export const LIST_POLL_MS = 2000;
/** While a row is pending (just registered, first check under way) it refreshes faster: it turns within ~0.5 s. */
export const PENDING_POLL_MS = 500;

export interface EndpointFilters {
  q: string;
  status: EndpointStatus | "";
  type: EndpointType | "";
}

export function EndpointsView({
  t,
  lang,
  initial,
  canManage,
  open = null,
}: {
  t: Messages;
  lang: Lang;
  initial: EndpointDto[];
  canManage: boolean;
  open?: string | null;
}) {
  const [pending, setPending] = useState(() => initial.some((r) => r.status === "pending"));
  const list = usePolling(
    endpointsApi.listUrl,
    { endpoints: initial, total: initial.length },
    pending ? PENDING_POLL_MS : LIST_POLL_MS,
  );
  const [filters, setFilters] = useState<EndpointFilters>({ q: "", status: "", type: "" });
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<string | null>(open);
  const rows = list.data.endpoints;
  const anyPending = rows.some((r) => r.status === "pending");
  if (anyPending !== pending) setPending(anyPending);
  const counts = ENDPOINT_STATUSES.map((s) => [s, rows.filter((r) => r.status === s).length] as const);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">{t.endpoints}</h1>
          <div className="mt-2 flex flex-wrap gap-2">
            {counts.map(([s, n]) => (
              <span key={s} className="inline-flex items-center gap-1 text-xs text-slate-500">
                <StatusBadge status={s} t={t} count={n} />
              </span>
            ))}
          </div>
        </div>
        {canManage && (
          <button type="button" className="btn-primary" onClick={() => setCreating(true)}>
            <svg aria-hidden viewBox="0 0 20 20" className="h-4 w-4 fill-current">
              <path d="M10 3a1 1 0 0 1 1 1v5h5a1 1 0 1 1 0 2h-5v5a1 1 0 1 1-2 0v-5H4a1 1 0 1 1 0-2h5V4a1 1 0 0 1 1-1z" />
            </svg>
            {t.newEndpoint}
          </button>
        )}
      </div>

      <div className="flex flex-wrap items-center gap-2">
        <input
          type="search"
          className="input max-w-xs"
          placeholder={t.searchEndpoints}
          aria-label={t.search}
          value={filters.q}
          onChange={(e) => setFilters({ ...filters, q: e.target.value })}
        />
        <select
          className="input w-auto"
          aria-label={t.status}
          value={filters.status}
          onChange={(e) => setFilters({ ...filters, status: e.target.value as EndpointFilters["status"] })}
        >
          <option value="">{t.allStatuses}</option>
          {ENDPOINT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t[`status_${s}`]}
            </option>
          ))}
        </select>
        <select
          className="input w-auto"
          aria-label={t.type}
          value={filters.type}
          onChange={(e) => setFilters({ ...filters, type: e.target.value as EndpointFilters["type"] })}
        >
          <option value="">{t.allTypes}</option>
          {ENDPOINT_TYPES.map((ty) => (
            <option key={ty} value={ty}>
              {t[`type_${ty}`]}
            </option>
          ))}
        </select>
        {list.error && (
          <span role="status" className="text-xs text-amber-700">
            {t.liveUpdatesPaused}: {list.error}
          </span>
        )}
      </div>

      <EndpointsTable rows={rows} filters={filters} t={t} lang={lang} onOpen={(r) => setOpenId(r.id)} />

      {creating && (
        <NewEndpointDialog
          t={t}
          onClose={() => setCreating(false)}
          onCreated={(row) => {
            setCreating(false);
            // show the new row (pending) at once; polls run fast while it is pending and bring its real status
            list.replace((prev) => ({
              endpoints: [...prev.endpoints.filter((e) => e.id !== row.id), row],
              total: prev.total + 1,
            }));
          }}
        />
      )}
      {openId && (
        <EndpointDetailModal
          id={openId}
          t={t}
          lang={lang}
          canManage={canManage}
          onClose={() => setOpenId(null)}
          onChanged={() => void list.refresh()}
          onDeleted={() => {
            setOpenId(null);
            list.replace((prev) => ({
              endpoints: prev.endpoints.filter((e) => e.id !== openId),
              total: prev.total - 1,
            }));
          }}
        />
      )}
    </div>
  );
}
