"use client";
import type { EndpointStatus } from "@/lib/db/constants";
import type { Messages } from "@/lib/i18n/messages";
import { StatusBadge } from "@/app/components/status-badge";
import type { ChatSettings } from "./chat-request";

export interface PinOption {
  id: string;
  name: string;
  status: EndpointStatus;
  servesModel: boolean;
  /** the chosen model is loaded there (engine telemetry) */
  loaded: boolean;
}

/** Model, optional endpoint pin (each with its live status badge), system prompt, sampling and streaming. */
export function PlaygroundSettings({
  t,
  settings,
  onChange,
  models,
  pins,
}: {
  t: Messages;
  settings: ChatSettings;
  onChange: (s: ChatSettings) => void;
  models: string[];
  pins: PinOption[];
}) {
  const set = <K extends keyof ChatSettings>(k: K, v: ChatSettings[K]) => onChange({ ...settings, [k]: v });
  return (
    <aside className="card space-y-4 self-start text-sm">
      <label className="block">
        <span className="font-medium text-slate-700">{t.model}</span>
        <select
          className="input mt-1"
          value={settings.model}
          onChange={(e) => set("model", e.target.value)}
          aria-label={t.model}
        >
          {models.length === 0 && <option value="">{t.noModels}</option>}
          {models.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </label>

      <fieldset className="space-y-1" data-testid="endpoint-pins">
        <legend className="mb-1 font-medium text-slate-700">{t.endpointPin}</legend>
        <label className="flex cursor-pointer items-center gap-2 rounded-md px-2 py-1 hover:bg-slate-50">
          <input
            type="radio"
            name="pin"
            checked={settings.endpointId === null}
            onChange={() => set("endpointId", null)}
          />
          <span>{t.anyEndpoint}</span>
        </label>
        {pins.map((p) => (
          <label
            key={p.id}
            data-testid="endpoint-pin"
            data-endpoint-id={p.id}
            className="flex min-w-0 cursor-pointer flex-wrap items-center gap-x-2 gap-y-1 rounded-md px-2 py-1 hover:bg-slate-50"
            title={p.servesModel ? undefined : t.doesNotServeModel}
          >
            <input
              type="radio"
              name="pin"
              checked={settings.endpointId === p.id}
              onChange={() => set("endpointId", p.id)}
            />
            <span className="min-w-0 flex-1 truncate">{p.name}</span>
            {/* the badge keeps the spec's colours: never dimmed; "does not serve" is said in words instead */}
            {p.loaded && (
              <span className="rounded bg-emerald-50 px-1.5 py-0.5 text-xs text-emerald-700" data-testid="pin-loaded">
                {t.loaded}
              </span>
            )}
            <StatusBadge status={p.status} t={t} />
            {!p.servesModel && <span className="w-full pl-6 text-xs text-slate-500">{t.doesNotServeModel}</span>}
          </label>
        ))}
      </fieldset>

      <label className="block">
        <span className="font-medium text-slate-700">{t.systemPrompt}</span>
        <textarea
          className="input mt-1"
          rows={3}
          value={settings.system}
          onChange={(e) => set("system", e.target.value)}
        />
      </label>

      <div className="grid grid-cols-2 gap-3">
        <label className="block">
          <span className="font-medium text-slate-700">{t.temperature}</span>
          <input
            className="input mt-1"
            type="number"
            min={0}
            max={2}
            step={0.1}
            value={settings.temperature}
            onChange={(e) => set("temperature", Number(e.target.value))}
          />
        </label>
        <label className="block">
          <span className="font-medium text-slate-700">{t.maxTokens}</span>
          <input
            className="input mt-1"
            type="number"
            min={1}
            max={32768}
            value={settings.maxTokens}
            onChange={(e) => set("maxTokens", Number(e.target.value))}
          />
        </label>
      </div>

      <label className="flex items-center gap-2">
        <input type="checkbox" checked={settings.stream} onChange={(e) => set("stream", e.target.checked)} />
        <span className="font-medium text-slate-700">{t.streaming}</span>
      </label>
    </aside>
  );
}
