"use client";
import { useCallback, useState } from "react";
import Link from "next/link";
import type { Lang, Messages } from "@/lib/i18n/messages";
import { endpointsApi, usePolling, type EndpointDetail } from "@/app/components/api-client";
import { ConfirmButton } from "@/app/components/confirm-button";
import { Modal } from "@/app/components/modal";
import { StatusBadge } from "@/app/components/status-badge";
import { TypeBadge } from "@/app/components/type-badge";
import { fmtMs } from "@/app/components/format";
import { EndpointDetailBody } from "./endpoint-detail-body";
import { localize } from "@/lib/i18n/localize";
import { DownloadPanel } from "./download-panel";
import { EditEndpointForm } from "./edit-endpoint-form";

const DETAIL_POLL_MS = 3000;

interface Notice {
  ok: boolean;
  text: string;
  /** the server's reason, to compare with `last_error` */
  reason?: string | null;
}

/** Click on a row: status and type, models, health checks, and (for admins) Test, Sync, Edit, Delete, Download. */
export function EndpointDetailModal({
  id,
  t,
  lang,
  canManage,
  onClose,
  onChanged,
  onDeleted,
}: {
  id: string;
  t: Messages;
  lang: Lang;
  canManage: boolean;
  onClose: () => void;
  onChanged: () => void;
  onDeleted: () => void;
}) {
  const detail = usePolling<EndpointDetail | null>(endpointsApi.detailUrl(id), null, DETAIL_POLL_MS, true);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const d = detail.data;
  const { refresh } = detail;
  const changed = useCallback(() => {
    void refresh();
    onChanged();
  }, [refresh, onChanged]);

  async function act(name: string, run: () => Promise<Notice>) {
    setBusy(name);
    setNotice(null);
    setNotice(await run());
    setBusy(null);
    changed();
  }

  const test = () =>
    act("test", async () => {
      const r = await endpointsApi.test(id);
      if (!r.ok || !r.data) return { ok: false, text: r.message ?? "" };
      return r.data.success
        ? {
            ok: true,
            text: `${t.connectionOk} · ${fmtMs(r.data.latency_ms)} · ${t.modelsFound}: ${r.data.models_found.length}`,
          }
        : { ok: false, text: `${t.connectionFailed}: ${localize(r.data.error, t)}`, reason: r.data.error };
    });
  const sync = () =>
    act("sync", async () => {
      const r = await endpointsApi.sync(id);
      if (!r.ok || !r.data) return { ok: false, text: `${t.syncFailed}: ${r.message ?? ""}`, reason: r.raw };
      return {
        ok: true,
        text: `${t.syncDone}: ${r.data.synced_models.length} (+${r.data.added} / −${r.data.removed})`,
      };
    });
  async function remove() {
    const r = await endpointsApi.remove(id);
    if (r.ok) onDeleted();
    else setNotice({ ok: false, text: r.message ?? "" });
  }

  const title = d ? (
    <>
      <span className="truncate">{d.name}</span>
      <StatusBadge status={d.status} t={t} />
      <TypeBadge type={d.endpoint_type} t={t} />
    </>
  ) : (
    t.loading
  );
  const firstModel = d?.models.find((m) => m.capabilities.includes("chat"))?.model_id ?? d?.models[0]?.model_id ?? "";
  const playgroundHref = `/dashboard/playground?endpoint=${encodeURIComponent(id)}${firstModel ? `&model=${encodeURIComponent(firstModel)}` : ""}`;

  return (
    <Modal title={title} onClose={onClose} closeLabel={t.close} wide testId="endpoint-detail">
      {!d && <p className="text-sm text-slate-500">{detail.error ?? t.loading}</p>}
      {d && editing && (
        <EditEndpointForm
          t={t}
          endpoint={d}
          onCancel={() => setEditing(false)}
          onDone={() => {
            setEditing(false);
            changed();
          }}
        />
      )}
      {d && !editing && (
        <>
          <div className="flex flex-wrap items-center gap-2">
            {canManage && (
              <>
                <button type="button" className="btn-secondary" disabled={busy !== null} onClick={() => void test()}>
                  {busy === "test" ? t.testing : t.test}
                </button>
                <button type="button" className="btn-secondary" disabled={busy !== null} onClick={() => void sync()}>
                  {busy === "sync" ? t.syncing : t.sync}
                </button>
                <button type="button" className="btn-secondary" onClick={() => setEditing(true)}>
                  {t.edit}
                </button>
                <ConfirmButton
                  label={t.delete}
                  question={t.confirmDelete}
                  confirmLabel={t.delete}
                  cancelLabel={t.cancel}
                  onConfirm={remove}
                />
              </>
            )}
            {d.models.length ? (
              <Link href={playgroundHref} className="btn-primary ml-auto">
                {t.openInPlayground}
              </Link>
            ) : (
              <button
                type="button"
                className="btn-primary ml-auto"
                disabled
                title={t.noModels}
                data-testid="open-playground-disabled"
              >
                {t.openInPlayground}
              </button>
            )}
          </div>
          {notice && (
            <p
              role="status"
              data-testid="detail-notice"
              className={`rounded-md px-3 py-2 text-sm ${notice.ok ? "bg-green-50 text-green-800" : "bg-red-50 text-red-800"}`}
            >
              {notice.text}
            </p>
          )}
          {/* a failed test or sync already says why: the same reason is not shown again as "last error" */}
          <EndpointDetailBody
            d={d}
            t={t}
            lang={lang}
            hideLastError={!!notice && !notice.ok && notice.reason === d.last_error}
          />
          {canManage && d.endpoint_type === "xllm" && <DownloadPanel id={id} t={t} onFinished={changed} />}
        </>
      )}
    </Modal>
  );
}
