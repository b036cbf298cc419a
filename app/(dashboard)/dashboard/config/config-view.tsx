"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import type { Messages } from "@/lib/i18n/messages";
import { configApi, type ImportResult } from "@/app/components/api-client";

/** Export (a download) and import: a file is dry-run first, its diff shown, then applied on request. */
export function ConfigView({ t }: { t: Messages }) {
  const router = useRouter();
  const [doc, setDoc] = useState<unknown>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(body: unknown, apply: boolean) {
    const res = await configApi.importDoc(body, apply);
    setResult(res.data);
    setError(res.ok ? null : res.message);
    if (res.ok && apply) router.refresh();
  }

  async function pick(e: React.ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    setResult(null);
    if (!file) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      setError(t.malformedFile);
      return;
    }
    setDoc(parsed);
    await run(parsed, false);
  }

  return (
    <div className="card space-y-4 text-sm">
      <p className="text-slate-600">{t.configIntro}</p>
      <div className="flex flex-wrap items-center gap-3">
        <a className="btn-primary" href="/api/config/export" download="llmlb-config.json">
          {t.exportConfig}
        </a>
        <label className="btn-secondary cursor-pointer">
          {t.importConfig}
          <input
            type="file"
            accept="application/json,.json"
            className="sr-only"
            onChange={(e) => void pick(e)}
            data-testid="config-file"
          />
        </label>
        <a className="text-indigo-700 underline" href="/api/config/schema" target="_blank" rel="noreferrer">
          {t.configSchema}
        </a>
      </div>
      {error && (
        <p className="field-error" data-testid="config-error">
          {error}
        </p>
      )}
      {result && (
        <div className="space-y-2" data-testid="config-diff">
          <p className="font-medium">{result.applied ? t.importApplied : t.importPreview}</p>
          <ul className="divide-y divide-slate-100 rounded border border-slate-200">
            {result.changes.map((c, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the diff is shown once, never reordered
              <li key={i} className="flex flex-wrap gap-2 px-3 py-1.5" data-action={c.action}>
                <span className="w-20 text-slate-500">{c.kind}</span>
                <span className="font-medium">{c.name}</span>
                <span className={c.action === "unchanged" ? "text-slate-400" : "text-indigo-700"}>
                  {t[`change_${c.action}`]}
                </span>
                {"fields" in c && c.fields && (
                  <span className="text-slate-600">{Object.keys(c.fields).join(", ")}</span>
                )}
                {c.note && <span className="w-full text-amber-700">{c.note}</span>}
              </li>
            ))}
          </ul>
          {!result.applied && result.changes.some((c) => c.action !== "unchanged") && (
            <button type="button" className="btn-primary" onClick={() => void run(doc, true)}>
              {t.applyImport}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
