"use client";
import { useEffect, useRef, useState } from "react";
import type { Messages } from "@/lib/i18n/messages";
import { endpointsApi, usePolling, type DownloadProgress } from "@/app/components/api-client";

const PROGRESS_POLL_MS = 1000;

/** xLLM only: start a model download on the endpoint and follow its progress. */
export function DownloadPanel({ id, t, onFinished }: { id: string; t: Messages; onFinished: () => void }) {
  const [model, setModel] = useState("");
  const [watching, setWatching] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const poll = usePolling<DownloadProgress | null>(
    watching && !done ? endpointsApi.progressUrl(id, watching) : null,
    null,
    PROGRESS_POLL_MS,
    true,
  );
  const progress = poll.data;
  const finished = useRef(onFinished);
  useEffect(() => {
    finished.current = onFinished;
  }, [onFinished]);
  useEffect(() => {
    if (progress?.status !== "completed" && progress?.status !== "failed") return;
    setDone(true);
    if (progress.status === "completed") finished.current();
  }, [progress?.status]);

  async function start(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    poll.replace(null);
    const res = await endpointsApi.download(id, model.trim());
    if (!res.ok) return setError(res.fieldErrors.model ?? res.message);
    setDone(false);
    setWatching(model.trim());
  }

  const pct = Math.round(progress?.progress ?? 0);
  return (
    <section className="space-y-2 rounded-md border border-slate-200 p-3" data-testid="download-panel">
      <h3 className="text-sm font-semibold text-slate-700">{t.downloadModel}</h3>
      <form onSubmit={start} className="flex gap-2">
        <input
          className="input min-w-0"
          aria-label={t.model}
          placeholder="llama-3.2-1b"
          value={model}
          onChange={(e) => setModel(e.target.value)}
          required
        />
        <button
          type="submit"
          className="btn-secondary shrink-0 whitespace-nowrap"
          disabled={!model.trim()}
          data-testid="download-button"
        >
          {t.download}
        </button>
      </form>
      {(error ?? poll.error) && <p className="field-error">{error ?? poll.error}</p>}
      {progress && (
        <div className="space-y-1 text-xs text-slate-600" data-testid="download-progress" data-status={progress.status}>
          <div
            className="h-2 overflow-hidden rounded-full bg-slate-100"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct}
            aria-label={t.downloadModel}
          >
            <div
              className={`h-full transition-all ${progress.status === "failed" ? "bg-red-500" : "bg-indigo-500"}`}
              style={{ width: `${pct}%` }}
            />
          </div>
          <div className="flex justify-between">
            <span>
              {progress.model}: {t[`download_${progress.status}`]} · {pct}%
            </span>
            <span>
              {progress.speed_mbps !== null && `${progress.speed_mbps.toFixed(1)} MB/s`}
              {progress.eta_seconds !== null && ` · ${t.eta} ${Math.round(progress.eta_seconds)} s`}
            </span>
          </div>
          {progress.error && <p className="text-red-700">{progress.error}</p>}
        </div>
      )}
    </section>
  );
}
