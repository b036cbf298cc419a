"use client";
import type { RequestDto } from "@/lib/history/list-requests";
import type { Lang, Messages } from "@/lib/i18n/messages";
import { Modal } from "@/app/components/modal";
import { DASH, fmtDateTime, fmtMs, fmtNumber } from "@/app/components/format";

/** Who sent the request: the API key's name, else the dashboard user, else (refused before auth) nobody known. */
export const who = (r: RequestDto) =>
  r.api_key_name ?? (r.user_name ? `@${r.user_name}` : r.api_key_id ? r.api_key_id.slice(0, 8) : DASH);

/** The error code in words, in the reader's language (the code itself when the catalogue has no entry). */
export function errorText(code: string, t: Messages): string {
  const key = `req_${code}` as keyof Messages;
  return key in t ? t[key] : code;
}

/** Everything the log holds about one request: timings, retries, the endpoint, usage, the error in words. */
export function RequestDrawer({
  r,
  t,
  lang,
  onClose,
}: {
  r: RequestDto;
  t: Messages;
  lang: Lang;
  onClose: () => void;
}) {
  const items: Array<[string, React.ReactNode]> = [
    [
      t.time,
      <span key="t" suppressHydrationWarning>
        {fmtDateTime(r.ts, lang)}
      </span>,
    ],
    [
      t.requestId,
      <code key="i" className="break-all font-mono text-xs">
        {r.request_id}
      </code>,
    ],
    [
      t.route,
      <code key="r" className="font-mono text-xs">
        {r.route}
      </code>,
    ],
    [t.model, r.model ?? DASH],
    [t.endpoint, r.endpoint_name ?? r.endpoint_id ?? DASH],
    [t.caller, who(r)],
    [t.clientIp, r.client_ip ?? DASH],
    [t.status, r.status],
    [t.duration, fmtMs(r.duration_ms)],
    [t.ttft, fmtMs(r.ttft_ms)],
    [t.retries, r.retries],
    [
      t.endpointsTried,
      // the ids in order when the /v1 side recorded them; else the count the retries imply
      r.endpoints_tried?.length ? (
        <code key="e" className="break-all font-mono text-xs">
          {r.endpoints_tried.map((id) => id.slice(0, 8)).join(" → ")}
        </code>
      ) : (
        r.retries + (r.endpoint_id ? 1 : 0)
      ),
    ],
    [t.promptTokens, fmtNumber(r.prompt_tokens)],
    [t.completionTokens, `${fmtNumber(r.completion_tokens)}${r.tokens_estimated ? ` (${t.estimated})` : ""}`],
    [t.streaming, r.stream ? "✓" : DASH],
  ];
  return (
    <Modal title={`${t.requestDetail} · ${r.status}`} onClose={onClose} closeLabel={t.close} testId="request-drawer">
      {r.error_code && (
        <p
          className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200"
          data-testid="drawer-error"
        >
          <code className="font-mono">{r.error_code}</code>: {errorText(r.error_code, t)}
        </p>
      )}
      <dl className="grid grid-cols-1 gap-y-1 text-sm">
        {items.map(([k, v]) => (
          <div key={k} className="flex justify-between gap-3 border-b border-slate-100 pb-1">
            <dt className="text-slate-500">{k}</dt>
            <dd className="min-w-0 text-right text-slate-800">{v}</dd>
          </div>
        ))}
      </dl>
    </Modal>
  );
}
