"use client";
import { useMemo, useState } from "react";
import { getCoreRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";
import type { RequestDto } from "@/lib/history/list-requests";
import type { Lang, Messages } from "@/lib/i18n/messages";
import { DataTable } from "@/app/components/data-table";
import { DASH, fmtDateTime, fmtMs, fmtNumber } from "@/app/components/format";
import { RequestDrawer, errorText, who } from "./request-drawer";

const right = { align: "right" } as const;

function statusClass(s: number) {
  if (s >= 500) return "bg-red-600 text-white";
  if (s >= 400) return "bg-amber-100 text-amber-800";
  return "bg-green-100 text-green-800";
}

const outcomeLabel = (t: Messages, o: NonNullable<RequestDto["outcome"]>) =>
  ({
    success: t.outcomeSuccess,
    incomplete: t.outcomeIncomplete,
    cancelled: t.outcomeCancelled,
    error: t.outcomeError,
  })[o];

function columns(t: Messages, lang: Lang): ColumnDef<RequestDto>[] {
  return [
    {
      accessorKey: "ts",
      header: t.time,
      cell: ({ row }) => <span suppressHydrationWarning>{fmtDateTime(row.original.ts, lang)}</span>,
    },
    {
      accessorKey: "route",
      header: t.route,
      cell: ({ getValue }) => <span className="font-mono text-xs">{String(getValue())}</span>,
    },
    {
      accessorKey: "model",
      header: t.model,
      cell: ({ row }) => <span className="font-mono text-xs">{row.original.model ?? DASH}</span>,
    },
    {
      accessorKey: "endpoint_name",
      header: t.endpoint,
      cell: ({ row }) =>
        row.original.endpoint_name ?? (row.original.endpoint_id ? row.original.endpoint_id.slice(0, 8) : DASH),
    },
    { id: "who", header: t.caller, cell: ({ row }) => <span data-testid="request-who">{who(row.original)}</span> },
    {
      accessorKey: "status",
      header: t.status,
      cell: ({ row }) => (
        <span
          className={`rounded px-1.5 py-0.5 text-xs font-medium tabular-nums ${statusClass(row.original.status)}`}
          title={row.original.error_code ?? undefined}
        >
          {row.original.status}
        </span>
      ),
    },
    {
      accessorKey: "outcome",
      header: t.outcome,
      cell: ({ row }) => (
        <span data-testid="outcome">{row.original.outcome ? outcomeLabel(t, row.original.outcome) : DASH}</span>
      ),
    },
    { accessorKey: "duration_ms", header: t.duration, meta: right, cell: ({ row }) => fmtMs(row.original.duration_ms) },
    { accessorKey: "ttft_ms", header: t.ttft, meta: right, cell: ({ row }) => fmtMs(row.original.ttft_ms) },
    {
      id: "tokens",
      header: t.tokens,
      meta: right,
      cell: ({ row }) => {
        const r = row.original;
        if (r.prompt_tokens === null && r.completion_tokens === null) return DASH;
        return `${fmtNumber(r.prompt_tokens)} / ${fmtNumber(r.completion_tokens)}${r.tokens_estimated ? " ~" : ""}`;
      },
    },
    { accessorKey: "stream", header: t.streaming, cell: ({ row }) => (row.original.stream ? "✓" : "") },
    { accessorKey: "retries", header: t.retries, meta: right },
    {
      id: "error",
      header: t.error,
      meta: { wrap: true },
      cell: ({ row }) =>
        row.original.error_code ? (
          <span className="block min-w-48 max-w-md text-xs text-red-700" data-testid="request-error">
            <code className="font-mono">{row.original.error_code}</code> · {errorText(row.original.error_code, t)}
          </span>
        ) : null,
    },
  ];
}

/** One page of the request log (the server filters, pages and sorts newest first); a row opens its detail. */
export function HistoryTable({ t, lang, rows }: { t: Messages; lang: Lang; rows: RequestDto[] }) {
  // biome-ignore lint/correctness/useExhaustiveDependencies: `t` follows `lang`; its identity changes on refresh
  const cols = useMemo(() => columns(t, lang), [lang]);
  const [open, setOpen] = useState<RequestDto | null>(null);
  const table = useReactTable({
    data: rows,
    columns: cols,
    getCoreRowModel: getCoreRowModel(),
    enableSorting: false,
    getRowId: (r) => String(r.id),
  });
  return (
    <>
      <DataTable
        table={table}
        label={t.requestHistory}
        empty={t.noRequests}
        rowTestId="request-row"
        onRowClick={setOpen}
      />
      {open && <RequestDrawer r={open} t={t} lang={lang} onClose={() => setOpen(null)} />}
    </>
  );
}
