"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import type { listApiKeys } from "@/lib/auth/api-keys";
import type { Lang, Messages } from "@/lib/i18n/messages";
import { apiKeysApi } from "@/app/components/api-client";
import { ConfirmButton } from "@/app/components/confirm-button";
import { DASH, fmtDateTime } from "@/app/components/format";
import { CreateKeyForm } from "./create-key-form";

type KeyRow = Awaited<ReturnType<typeof listApiKeys>>[number];

type KeyStatus = "active" | "revoked" | "expired";
const keyStatus = (s: string): KeyStatus => (s === "revoked" || s === "expired" ? s : "active");

const STATUS_STYLE: Record<KeyStatus, string> = {
  active: "bg-green-100 text-green-800",
  revoked: "bg-slate-200 text-slate-600",
  expired: "bg-amber-100 text-amber-800",
};

export function ApiKeysView({ t, lang, keys, canManage }: { t: Messages; lang: Lang; keys: KeyRow[]; canManage: boolean }) {
  const router = useRouter();
  const [plaintext, setPlaintext] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function revoke(id: string) {
    const res = await apiKeysApi.revoke(id);
    setError(res.ok ? null : res.message);
    router.refresh();
  }

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t.apiKeys}</h1>
      {!canManage && <p className="text-sm text-slate-500">{t.readOnly}</p>}
      {canManage && (
        <CreateKeyForm
          t={t}
          onCreated={(key) => {
            setPlaintext(key);
            setCopied(false);
            router.refresh();
          }}
        />
      )}
      {plaintext && (
        <div role="status" className="card space-y-2 border-amber-300 bg-amber-50" data-testid="new-key">
          <p className="text-sm font-medium text-amber-900">{t.keyShownOnce}</p>
          <div className="flex flex-wrap items-center gap-2">
            <code className="min-w-0 flex-1 break-all rounded bg-white px-2 py-1 font-mono text-sm ring-1 ring-amber-200" data-testid="new-key-value">
              {plaintext}
            </code>
            <button type="button" className="btn-secondary" onClick={() => void navigator.clipboard?.writeText(plaintext).then(() => setCopied(true))}>
              {copied ? t.copied : t.copy}
            </button>
            <button type="button" className="btn-secondary" onClick={() => setPlaintext(null)}>
              {t.close}
            </button>
          </div>
        </div>
      )}
      {error && <p className="field-error">{error}</p>}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label={t.apiKeys}>
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              {[t.name, t.prefix, t.permissions, t.created, t.expires, t.status, ""].map((h, i) => (
                <th key={i} className="px-3 py-2">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {keys.length === 0 && (
              <tr>
                <td colSpan={7} className="px-3 py-8 text-center text-slate-500">
                  {t.noKeys}
                </td>
              </tr>
            )}
            {keys.map((k) => (
              <tr key={k.id} data-testid="api-key-row" data-key-name={k.name}>
                <td className="px-3 py-2 font-medium">{k.name}</td>
                <td className="px-3 py-2 font-mono text-xs">{k.prefix}…</td>
                <td className="px-3 py-2">
                  <span className="flex max-w-md flex-wrap gap-1">
                    {k.permissions.map((p) => (
                      <span key={p} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-700">
                        {p}
                      </span>
                    ))}
                  </span>
                </td>
                <td className="whitespace-nowrap px-3 py-2 text-slate-500" suppressHydrationWarning>{fmtDateTime(k.created_at, lang)}</td>
                <td className="whitespace-nowrap px-3 py-2 text-slate-500" suppressHydrationWarning>{k.expires_at ? fmtDateTime(k.expires_at, lang) : DASH}</td>
                <td className="px-3 py-2">
                  <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATUS_STYLE[keyStatus(k.status)]}`} data-testid="api-key-status">
                    {t[`key_${keyStatus(k.status)}`]}
                  </span>
                </td>
                <td className="px-3 py-2 text-right">
                  {canManage && k.status === "active" && (
                    <ConfirmButton label={t.revoke} question={t.confirmRevoke} confirmLabel={t.revoke} cancelLabel={t.cancel} onConfirm={() => revoke(k.id)} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
