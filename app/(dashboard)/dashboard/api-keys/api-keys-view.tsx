"use client";
import { useCallback, useMemo, useState } from "react";
import { getCoreRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";
import { useRouter } from "next/navigation";
import type { listApiKeys } from "@/lib/auth/api-keys";
import type { Lang, Messages } from "@/lib/i18n/messages";
import { apiKeysApi } from "@/app/components/api-client";
import { ConfirmButton } from "@/app/components/confirm-button";
import { DataTable } from "@/app/components/data-table";
import { DASH, fmtDateTime, fmtNumber } from "@/app/components/format";
import { SnippetTabs } from "@/app/components/snippet-tabs";
import { CreateKeyForm } from "./create-key-form";

type KeyRow = Awaited<ReturnType<typeof listApiKeys>>[number];

type KeyStatus = "active" | "revoked" | "expired";
const keyStatus = (s: string): KeyStatus => (s === "revoked" || s === "expired" ? s : "active");

const STATUS_STYLE: Record<KeyStatus, string> = {
  active: "bg-green-100 text-green-800",
  revoked: "bg-slate-200 text-slate-600",
  expired: "bg-amber-100 text-amber-800",
};

function keyColumns(
  t: Messages,
  lang: Lang,
  canManage: boolean,
  onRevoke: (id: string) => Promise<void>,
): ColumnDef<KeyRow>[] {
  return [
    { id: "name", header: t.name, cell: ({ row }) => <span className="font-medium">{row.original.name}</span> },
    {
      id: "prefix",
      header: t.prefix,
      cell: ({ row }) => <span className="font-mono text-xs">{row.original.prefix}…</span>,
    },
    {
      id: "permissions",
      header: t.permissions,
      meta: { wrap: true },
      cell: ({ row }) => (
        <span className="flex max-w-md flex-wrap gap-1">
          {row.original.permissions.map((p) => (
            <span key={p} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-700">
              {p}
            </span>
          ))}
        </span>
      ),
    },
    {
      id: "created",
      header: t.created,
      cell: ({ row }) => (
        <span className="text-slate-500" suppressHydrationWarning>
          {fmtDateTime(row.original.created_at, lang)}
        </span>
      ),
    },
    {
      id: "last_used",
      header: t.lastUsed,
      cell: ({ row }) => (
        <span className="text-slate-500" data-testid="api-key-last-used" suppressHydrationWarning>
          {row.original.last_used_at ? fmtDateTime(row.original.last_used_at, lang) : t.never}
        </span>
      ),
    },
    {
      id: "requests",
      header: t.requestCount,
      meta: { align: "right" },
      cell: ({ row }) => <span data-testid="api-key-requests">{fmtNumber(row.original.request_count)}</span>,
    },
    {
      id: "expires",
      header: t.expires,
      cell: ({ row }) => (
        <span className="text-slate-500" suppressHydrationWarning>
          {row.original.expires_at ? fmtDateTime(row.original.expires_at, lang) : DASH}
        </span>
      ),
    },
    {
      id: "status",
      header: t.status,
      cell: ({ row }) => (
        <span
          className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATUS_STYLE[keyStatus(row.original.status)]}`}
          data-testid="api-key-status"
        >
          {t[`key_${keyStatus(row.original.status)}`]}
        </span>
      ),
    },
    {
      id: "actions",
      header: "",
      meta: { align: "right" },
      cell: ({ row }) =>
        canManage && row.original.status === "active" ? (
          <ConfirmButton
            label={t.revoke}
            question={t.confirmRevoke}
            confirmLabel={t.revoke}
            cancelLabel={t.cancel}
            onConfirm={() => onRevoke(row.original.id)}
          />
        ) : null,
    },
  ];
}

function KeysTable({
  t,
  lang,
  keys,
  canManage,
  onRevoke,
}: {
  t: Messages;
  lang: Lang;
  keys: KeyRow[];
  canManage: boolean;
  onRevoke: (id: string) => Promise<void>;
}) {
  // keyed on the language, not `t`'s identity (a refresh sends an equal new `t`; new columns remount the cells)
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the language, not on `t`'s identity
  const cols = useMemo(() => keyColumns(t, lang, canManage, onRevoke), [lang, canManage, onRevoke]);
  const table = useReactTable({
    data: keys,
    columns: cols,
    getCoreRowModel: getCoreRowModel(),
    enableSorting: false,
    getRowId: (k) => k.id,
  });
  return (
    <DataTable
      table={table}
      label={t.apiKeys}
      empty={t.noKeys}
      rowTestId="api-key-row"
      rowAttrs={(k) => ({ "data-key-name": k.name })}
    />
  );
}

export function ApiKeysView({
  t,
  lang,
  keys,
  canManage,
  origin,
}: {
  t: Messages;
  lang: Lang;
  keys: KeyRow[];
  canManage: boolean;
  origin: string;
}) {
  const router = useRouter();
  const [plaintext, setPlaintext] = useState<string | null>(null);
  const [createdName, setCreatedName] = useState("");
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const revoke = useCallback(
    async (id: string) => {
      const res = await apiKeysApi.revoke(id);
      setError(res.ok ? null : res.message);
      router.refresh();
    },
    [router],
  );

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t.apiKeys}</h1>
      {!canManage && <p className="text-sm text-slate-500">{t.readOnly}</p>}
      {canManage && (
        <CreateKeyForm
          t={t}
          onCreated={(key, name) => {
            setPlaintext(key);
            setCreatedName(name);
            setCopied(false);
            router.refresh();
          }}
        />
      )}
      {plaintext && (
        <div role="status" className="card space-y-2 border-amber-300 bg-amber-50" data-testid="new-key">
          <p className="text-sm font-medium text-amber-900">
            {t.keyReadyFor} <span data-testid="new-key-name">{createdName}</span>. {t.keyShownOnce}
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <code
              className="min-w-0 flex-1 break-all rounded bg-white px-2 py-1 font-mono text-sm ring-1 ring-amber-200"
              data-testid="new-key-value"
            >
              {plaintext}
            </code>
            <button
              type="button"
              className="btn-secondary"
              onClick={() => void navigator.clipboard?.writeText(plaintext).then(() => setCopied(true))}
            >
              {copied ? t.copied : t.copy}
            </button>
            <button type="button" className="btn-secondary" onClick={() => setPlaintext(null)}>
              {t.close}
            </button>
          </div>
          <p className="text-xs text-amber-900">{t.keyUsage}</p>
          <SnippetTabs t={t} origin={origin} apiKey={plaintext} />
        </div>
      )}
      {error && <p className="field-error">{error}</p>}
      <KeysTable t={t} lang={lang} keys={keys} canManage={canManage} onRevoke={revoke} />
    </div>
  );
}
