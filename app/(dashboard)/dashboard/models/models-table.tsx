"use client";
import { useMemo } from "react";
import Link from "next/link";
import { getCoreRowModel, getSortedRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";
import type { ModelView } from "@/lib/endpoints/models-view";
import type { Lang, Messages } from "@/lib/i18n/messages";
import { DataTable } from "@/app/components/data-table";
import { StatusBadge } from "@/app/components/status-badge";
import { DASH, fmtNumber } from "@/app/components/format";

function columns(t: Messages): ColumnDef<ModelView>[] {
  return [
    {
      accessorKey: "model_id",
      header: t.model,
      cell: ({ row }) => (
        <span className="font-mono text-xs" data-testid="model-id">
          {row.original.model_id}
        </span>
      ),
    },
    {
      id: "endpoints",
      header: t.endpoints,
      enableSorting: false,
      meta: { wrap: true },
      cell: ({ row }) => (
        <ul className="min-w-64 space-y-1">
          {row.original.endpoints.map((e) => (
            <li key={e.id} className="flex flex-wrap items-center gap-2" data-testid="model-endpoint">
              <Link
                href={`/dashboard/endpoints?open=${encodeURIComponent(e.id)}`}
                className="text-indigo-600 hover:underline"
              >
                {e.name}
              </Link>
              <StatusBadge status={e.status} t={t} />
              <span className="text-xs text-slate-500">
                {t.tps} {e.tps === null ? DASH : fmtNumber(e.tps, 1)} · {t.contextLength} {fmtNumber(e.context_length)}
              </span>
            </li>
          ))}
        </ul>
      ),
    },
    {
      accessorKey: "online",
      header: t.status_online,
      meta: { align: "right" },
      cell: ({ row }) => `${row.original.online} / ${row.original.endpoints.length}`,
    },
    {
      accessorKey: "requests_24h",
      header: t.requests24h,
      meta: { align: "right" },
      cell: ({ row }) => fmtNumber(row.original.requests_24h),
    },
    {
      accessorKey: "errors_24h",
      header: t.serverErrors,
      meta: { align: "right" },
      cell: ({ row }) => fmtNumber(row.original.errors_24h),
    },
  ];
}

/** Every model with the endpoints that serve it; sortable by name, online count and traffic. */
export function ModelsTable({ t, rows }: { t: Messages; lang: Lang; rows: ModelView[] }) {
  const cols = useMemo(() => columns(t), [t]);
  const table = useReactTable({
    data: rows,
    columns: cols,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (r) => r.model_id,
  });
  return <DataTable table={table} label={t.models} empty={t.noModelsYet} rowTestId="model-row" />;
}
