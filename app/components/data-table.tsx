"use client";
import { flexRender, type Table } from "@tanstack/react-table";

/** Per-column options (`meta` of a column definition). */
export interface CellMeta {
  align?: "right";
  /** let the cell wrap (lists of badges) instead of keeping one line */
  wrap?: boolean;
}

/**
 * The one table of the dashboard: renders a TanStack table with sortable headers (click to sort, aria-sort for
 * readers), clickable rows and a horizontal scroll inside its own box (the page never scrolls sideways).
 */
export function DataTable<T>({
  table,
  empty,
  onRowClick,
  rowTestId,
  rowAttrs,
  label,
  className = "rounded-lg border border-slate-200 bg-white shadow-sm",
}: {
  table: Table<T>;
  empty: string;
  onRowClick?: (row: T) => void;
  rowTestId?: string;
  /** extra `data-*` attributes per row (tests and styles find a row by them) */
  rowAttrs?: (row: T) => Record<`data-${string}`, string>;
  label: string;
  className?: string;
}) {
  const rows = table.getRowModel().rows;
  const columns = table.getVisibleLeafColumns().length;
  return (
    <div className={`overflow-x-auto ${className}`}>
      <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label={label}>
        <thead className="bg-slate-50">
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => {
                const sorted = h.column.getIsSorted();
                const meta = h.column.columnDef.meta as CellMeta | undefined;
                return (
                  <th
                    key={h.id}
                    scope="col"
                    aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                    className={`whitespace-nowrap px-3 py-2 text-xs font-semibold uppercase tracking-wide text-slate-500 ${meta?.align === "right" ? "text-right" : "text-left"}`}
                  >
                    {h.column.getCanSort() ? (
                      <button
                        type="button"
                        onClick={h.column.getToggleSortingHandler()}
                        className="inline-flex items-center gap-1 uppercase hover:text-slate-800"
                      >
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        <span aria-hidden className="w-3 text-slate-400">
                          {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                        </span>
                      </button>
                    ) : (
                      flexRender(h.column.columnDef.header, h.getContext())
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns} className="px-3 py-10 text-center text-slate-500">
                {empty}
              </td>
            </tr>
          )}
          {rows.map((row) => (
            <tr
              key={row.id}
              data-testid={rowTestId}
              {...rowAttrs?.(row.original)}
              onClick={onRowClick ? () => onRowClick(row.original) : undefined}
              className={onRowClick ? "cursor-pointer hover:bg-indigo-50/50" : undefined}
            >
              {row.getVisibleCells().map((cell) => {
                const meta = cell.column.columnDef.meta as CellMeta | undefined;
                return (
                  <td
                    key={cell.id}
                    className={`${meta?.wrap ? "" : "whitespace-nowrap"} px-3 py-2.5 ${meta?.align === "right" ? "text-right tabular-nums" : ""}`}
                  >
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
