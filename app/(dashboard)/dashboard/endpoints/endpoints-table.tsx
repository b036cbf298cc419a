"use client";
import { useMemo, useState } from "react";
import {
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from "@tanstack/react-table";
import type { Lang, Messages } from "@/lib/i18n/messages";
import type { EndpointDto } from "@/app/components/api-client";
import { DataTable } from "@/app/components/data-table";
import { StatusBadge } from "@/app/components/status-badge";
import { TypeBadge } from "@/app/components/type-badge";
import { DASH, fmtAgo, fmtDateTime, fmtMs, fmtNumber } from "@/app/components/format";
import type { EndpointFilters } from "./endpoints-view";

const right = { align: "right" } as const;

function columns(t: Messages, lang: Lang): ColumnDef<EndpointDto>[] {
  return [
    {
      accessorKey: "name",
      header: t.name,
      cell: ({ row }) => (
        <span className="font-medium text-slate-900" data-testid="endpoint-name">
          {row.original.name}
        </span>
      ),
    },
    {
      accessorKey: "base_url",
      header: t.url,
      cell: ({ getValue }) => <span className="font-mono text-xs text-slate-600">{String(getValue())}</span>,
    },
    {
      accessorKey: "endpoint_type",
      header: t.type,
      filterFn: "equals",
      cell: ({ row }) => <TypeBadge type={row.original.endpoint_type} t={t} />,
    },
    {
      accessorKey: "status",
      header: t.status,
      filterFn: "equals",
      cell: ({ row }) => <StatusBadge status={row.original.status} t={t} />,
    },
    {
      accessorKey: "model_count",
      header: t.models,
      meta: right,
      cell: ({ row }) => {
        const loaded = row.original.loaded_models;
        return (
          <span title={loaded?.join(", ")}>
            {row.original.model_count}
            {loaded && loaded.length > 0 && (
              <span
                className="ml-1 rounded bg-emerald-50 px-1.5 py-0.5 text-xs text-emerald-700"
                data-testid="endpoint-loaded"
              >
                {loaded.length} {t.loaded}
              </span>
            )}
          </span>
        );
      },
    },
    {
      id: "tps",
      header: t.tps,
      meta: right,
      // null TPS becomes undefined so that sortUndefined keeps unmeasured rows last in both directions
      accessorFn: (r) => r.aggregate_tps ?? undefined,
      sortUndefined: "last",
      sortDescFirst: true,
      cell: ({ row }) => (
        <span data-testid="endpoint-tps">
          {row.original.aggregate_tps === null ? DASH : fmtNumber(row.original.aggregate_tps, 1)}
        </span>
      ),
    },
    {
      id: "latency",
      header: t.latency,
      meta: right,
      accessorFn: (r) => r.latency_ms ?? undefined,
      sortUndefined: "last",
      cell: ({ row }) => fmtMs(row.original.latency_ms),
    },
    {
      id: "last_check",
      header: t.lastCheck,
      accessorFn: (r) => r.last_checked_at ?? undefined,
      sortUndefined: "last",
      sortDescFirst: true,
      cell: ({ row }) => (
        <span
          className="text-slate-500"
          title={fmtDateTime(row.original.last_checked_at, lang)}
          suppressHydrationWarning
        >
          {fmtAgo(row.original.last_checked_at, lang)}
        </span>
      ),
    },
  ];
}

/** The endpoint list: TanStack sorting (TPS descending first, unmeasured rows last) and the page's filters. */
export function EndpointsTable({
  rows,
  filters,
  t,
  lang,
  onOpen,
}: {
  rows: EndpointDto[];
  filters: EndpointFilters;
  t: Messages;
  lang: Lang;
  onOpen: (r: EndpointDto) => void;
}) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const cols = useMemo(() => columns(t, lang), [t, lang]);
  const columnFilters = useMemo(
    () => [
      ...(filters.status ? [{ id: "status", value: filters.status }] : []),
      ...(filters.type ? [{ id: "endpoint_type", value: filters.type }] : []),
    ],
    [filters.status, filters.type],
  );
  const table = useReactTable({
    data: rows,
    columns: cols,
    state: { sorting, columnFilters, globalFilter: filters.q },
    onSortingChange: setSorting,
    enableSortingRemoval: false,
    getRowId: (r) => r.id,
    globalFilterFn: (row, _col, q: string) => {
      const needle = q.trim().toLowerCase();
      return (
        !needle ||
        row.original.name.toLowerCase().includes(needle) ||
        row.original.base_url.toLowerCase().includes(needle)
      );
    },
    getCoreRowModel: getCoreRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  return (
    <DataTable
      table={table}
      label={t.endpoints}
      empty={rows.length ? t.noMatches : t.noEndpoints}
      onRowClick={onOpen}
      rowTestId="endpoint-row"
    />
  );
}
