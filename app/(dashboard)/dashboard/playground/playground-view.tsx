"use client";
import { isLoaded } from "@/lib/fleet/telemetry";
import { useEffect, useMemo, useRef, useState } from "react";
import type { EndpointStatus } from "@/lib/db/constants";
import type { Messages } from "@/lib/i18n/messages";
import { endpointsApi, listV1Models, usePolling, type EndpointDto } from "@/app/components/api-client";
import { StatusBadge } from "@/app/components/status-badge";
import { DASH, fmtMs, fmtNumber } from "@/app/components/format";
import { curlCommand, sendChat, type ChatMessage, type ChatOutcome, type ChatSettings } from "./chat-request";
import { AnthropicSnippets } from "./anthropic-snippets";
import { PlaygroundSettings } from "./playground-settings";

export interface PlaygroundEndpoint {
  id: string;
  name: string;
  status: EndpointStatus;
  models: string[];
  /** models the engine reports loaded (fresh telemetry), null when it reports nothing */
  loaded: string[] | null;
}

export function PlaygroundView({
  t,
  endpoints,
  initialModel,
  initialEndpoint,
}: {
  t: Messages;
  endpoints: PlaygroundEndpoint[];
  initialModel?: string;
  initialEndpoint?: string;
}) {
  const live = usePolling<{ endpoints: EndpointDto[] } | null>(endpointsApi.listUrl, null, 3000);
  const known = useMemo(() => [...new Set(endpoints.flatMap((e) => e.models))].sort(), [endpoints]);
  const [v1Models, setV1Models] = useState<string[] | null>(null);
  const models = useMemo(
    () => [...new Set([...(v1Models ?? []), ...known, ...(initialModel ? [initialModel] : [])])].sort(),
    [v1Models, known, initialModel],
  );
  const [settings, setSettings] = useState<ChatSettings>({
    model: initialModel ?? known[0] ?? "",
    endpointId: endpoints.some((e) => e.id === initialEndpoint) ? initialEndpoint! : null,
    system: "",
    temperature: 0.7,
    maxTokens: 512,
    stream: true,
  });
  const [history, setHistory] = useState<ChatMessage[]>([]);
  const [input, setInput] = useState("");
  const [draft, setDraft] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ChatOutcome | null>(null);
  const [copied, setCopied] = useState(false);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    void listV1Models().then((m) => {
      setV1Models(m);
      if (m?.length) setSettings((s) => (s.model ? s : { ...s, model: m[0] }));
    });
  }, []);

  const statusOf = (id: string) =>
    live.data?.endpoints.find((e) => e.id === id)?.status ?? endpoints.find((e) => e.id === id)?.status ?? null;
  const pins = endpoints.map((e) => ({
    id: e.id,
    name: e.name,
    status: statusOf(e.id) ?? e.status,
    servesModel: e.models.includes(settings.model),
    loaded: isLoaded(e.loaded, settings.model),
  }));

  async function send(e: React.FormEvent) {
    e.preventDefault();
    if (!input.trim() || draft !== null || !settings.model) return;
    const next: ChatMessage[] = [...history, { role: "user", content: input.trim() }];
    setHistory(next);
    setInput("");
    setDraft("");
    setOutcome(null);
    abort.current = new AbortController();
    const result = await sendChat({ settings, history: next, signal: abort.current.signal, onDelta: setDraft });
    setDraft(null);
    if (result.text) setHistory([...next, { role: "assistant", content: result.text }]);
    setOutcome(result);
  }

  const curl = curlCommand(typeof window === "undefined" ? "" : window.location.origin, settings, [
    ...history,
    ...(input.trim() ? [{ role: "user" as const, content: input.trim() }] : []),
  ]);
  const servedStatus = outcome?.endpointId ? statusOf(outcome.endpointId) : null;
  const servedName =
    outcome?.endpointName ?? endpoints.find((e) => e.id === outcome?.endpointId)?.name ?? outcome?.endpointId;

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t.playground}</h1>
      <div className="grid gap-4 lg:grid-cols-[20rem_minmax(0,1fr)]">
        <PlaygroundSettings t={t} settings={settings} onChange={setSettings} models={models} pins={pins} />
        <section className="card flex min-h-[28rem] min-w-0 flex-col gap-3">
          <div className="flex-1 space-y-3 overflow-y-auto" data-testid="chat-log" aria-live="polite">
            {history.length === 0 && draft === null && <p className="text-sm text-slate-400">{t.playgroundEmpty}</p>}
            {history.map((m, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the chat only grows at its end
              <Bubble key={i} from={m.role} text={m.content} />
            ))}
            {draft !== null && <Bubble from="assistant" text={draft || "…"} testId="streaming-answer" />}
          </div>
          {outcome && (
            <div
              className="flex flex-wrap items-center gap-x-4 gap-y-1 rounded-md bg-slate-50 px-3 py-2 text-xs text-slate-600"
              data-testid="served-by"
            >
              {outcome.error && (
                <span className="w-full text-sm text-red-700" data-testid="chat-error">
                  {outcome.error}
                </span>
              )}
              <span className="inline-flex items-center gap-1.5">
                {t.servedBy}:{" "}
                <span className="font-medium text-slate-800" data-testid="served-by-name">
                  {servedName ?? DASH}
                </span>
                {servedStatus && <StatusBadge status={servedStatus} t={t} />}
              </span>
              <span>
                {t.ttft}: <span data-testid="ttft">{fmtMs(outcome.ttftMs)}</span>
              </span>
              <span>
                {t.tokensPerSec}: <span data-testid="tps">{fmtNumber(outcome.tokensPerSec, 1)}</span>
              </span>
              <span>
                {t.tokens}: {fmtNumber(outcome.completionTokens)}
              </span>
              <span>
                {t.duration}: {fmtMs(outcome.totalMs)}
              </span>
            </div>
          )}
          <form onSubmit={send} className="space-y-2">
            <textarea
              className="input"
              rows={3}
              aria-label={t.message}
              placeholder={t.messagePlaceholder}
              value={input}
              onChange={(e) => setInput(e.target.value)}
              onKeyDown={(e) => e.key === "Enter" && (e.metaKey || e.ctrlKey) && e.currentTarget.form?.requestSubmit()}
            />
            <div className="flex flex-wrap items-center gap-2">
              <button
                type="submit"
                className="btn-primary"
                disabled={draft !== null || !settings.model || !input.trim()}
              >
                {t.send}
              </button>
              {draft !== null && (
                <button type="button" className="btn-secondary" onClick={() => abort.current?.abort()}>
                  {t.stop}
                </button>
              )}
              <button
                type="button"
                className="btn-secondary"
                disabled={draft !== null}
                onClick={() => (setHistory([]), setOutcome(null))}
              >
                {t.clear}
              </button>
              <button
                type="button"
                className="btn-secondary ml-auto"
                onClick={() =>
                  void navigator.clipboard
                    ?.writeText(curl)
                    .then(() => (setCopied(true), setTimeout(() => setCopied(false), 1500)))
                }
              >
                {copied ? t.copied : t.copyCurl}
              </button>
            </div>
          </form>
          <details className="text-xs">
            <summary className="cursor-pointer text-slate-500">curl</summary>
            <pre
              className="mt-2 overflow-x-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 p-3 text-slate-100"
              data-testid="curl"
              suppressHydrationWarning
            >
              {curl}
            </pre>
          </details>
        </section>
      </div>
      <AnthropicSnippets t={t} model={settings.model} />
    </div>
  );
}

function Bubble({ from, text, testId }: { from: ChatMessage["role"]; text: string; testId?: string }) {
  const mine = from === "user";
  return (
    <div className={`flex ${mine ? "justify-end" : "justify-start"}`}>
      <div
        data-testid={testId ?? `message-${from}`}
        className={`max-w-[85%] whitespace-pre-wrap rounded-lg px-3 py-2 text-sm ${mine ? "bg-indigo-600 text-white" : "bg-slate-100 text-slate-900"}`}
      >
        {text}
      </div>
    </div>
  );
}
