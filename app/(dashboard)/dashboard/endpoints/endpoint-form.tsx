"use client";
import { ENDPOINT_DEFAULTS, ENDPOINT_LIMITS as L } from "@/lib/db/constants";
import type { Messages } from "@/lib/i18n/messages";
import type { EndpointDto, EndpointInput, FieldErrors } from "@/app/components/api-client";

/** Reads the endpoint form into an API body. Empty optional fields are left out (create) or cleared (edit). */
export function readEndpointForm(form: HTMLFormElement, mode: "create" | "edit"): EndpointInput {
  const data = new FormData(form);
  const text = (k: string) => String(data.get(k) ?? "").trim();
  const int = (k: string) => (text(k) === "" ? undefined : Number(text(k)));
  const body: EndpointInput = { name: text("name"), base_url: text("base_url") };
  const key = text("api_key");
  if (key) body.api_key = key;
  else if (mode === "edit" && data.get("clear_api_key")) body.api_key = null;
  const interval = int("health_check_interval_secs");
  const timeout = int("inference_timeout_secs");
  if (interval !== undefined) body.health_check_interval_secs = interval;
  if (timeout !== undefined) body.inference_timeout_secs = timeout;
  const loadTimeout = int("model_load_timeout_secs");
  if (loadTimeout !== undefined) body.model_load_timeout_secs = loadTimeout;
  const probe = text("generation_probe");
  if (probe || mode === "edit") body.generation_probe = probe === "on" ? true : probe === "off" ? false : null;
  const conc = int("max_concurrency");
  if (conc !== undefined || mode === "edit") body.max_concurrency = conc ?? null;
  const notes = text("notes");
  if (notes || mode === "edit") body.notes = notes || null;
  return body;
}

function Field({
  label,
  name,
  error,
  hint,
  children,
}: {
  label: string;
  name: string;
  error?: string;
  hint?: string;
  children: React.ReactNode;
}) {
  return (
    <div className="block text-sm">
      <label htmlFor={`f-${name}`} className="font-medium text-slate-700">
        {label}
      </label>
      <div className="mt-1">{children}</div>
      {hint && !error && <p className="mt-1 text-xs text-slate-500">{hint}</p>}
      {error && (
        <p className="field-error" data-testid={`error-${name}`} id={`e-${name}`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** Name, URL, API key and the advanced settings; shared by "New endpoint" and "Edit". */
export function EndpointFields({ t, errors, initial }: { t: Messages; errors: FieldErrors; initial?: EndpointDto }) {
  const attrs = (name: string) => ({
    id: `f-${name}`,
    name,
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": errors[name] ? `e-${name}` : undefined,
  });
  return (
    <div className="space-y-3">
      <Field label={t.name} name="name" error={errors.name}>
        <input
          {...attrs("name")}
          required
          maxLength={L.nameMax}
          defaultValue={initial?.name}
          placeholder={t.namePlaceholder}
          className="input"
          autoComplete="off"
        />
      </Field>
      <Field label={t.url} name="base_url" error={errors.base_url}>
        <input
          {...attrs("base_url")}
          required
          defaultValue={initial?.base_url}
          placeholder="http://127.0.0.1:11434"
          className="input font-mono"
          autoComplete="off"
          inputMode="url"
        />
      </Field>
      <Field
        label={t.apiKeyOptional}
        name="api_key"
        error={errors.api_key}
        hint={initial?.has_api_key ? t.apiKeyKept : undefined}
      >
        <input {...attrs("api_key")} type="password" autoComplete="new-password" className="input" />
      </Field>
      {initial?.has_api_key && (
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" name="clear_api_key" /> {t.clearApiKey}
        </label>
      )}
      <details
        className="rounded-md border border-slate-200 px-3 py-2"
        open={Object.keys(errors).some((k) => !["name", "base_url", "api_key", "form"].includes(k))}
      >
        <summary className="cursor-pointer text-sm font-medium text-slate-700">{t.advancedSettings}</summary>
        <div className="mt-3 grid grid-cols-1 gap-3 sm:grid-cols-3">
          <Field
            label={t.healthCheckInterval}
            name="health_check_interval_secs"
            error={errors.health_check_interval_secs}
          >
            <input
              {...attrs("health_check_interval_secs")}
              type="number"
              min={L.intervalMin}
              max={L.intervalMax}
              defaultValue={initial?.health_check_interval_secs}
              placeholder={String(ENDPOINT_DEFAULTS.healthCheckIntervalSecs)}
              className="input"
            />
          </Field>
          <Field label={t.inferenceTimeout} name="inference_timeout_secs" error={errors.inference_timeout_secs}>
            <input
              {...attrs("inference_timeout_secs")}
              type="number"
              min={L.timeoutMin}
              max={L.timeoutMax}
              defaultValue={initial?.inference_timeout_secs}
              placeholder={String(ENDPOINT_DEFAULTS.inferenceTimeoutSecs)}
              className="input"
            />
          </Field>
          <Field label={t.modelLoadTimeout} name="model_load_timeout_secs" error={errors.model_load_timeout_secs}>
            <input
              {...attrs("model_load_timeout_secs")}
              type="number"
              min={L.modelLoadTimeoutMin}
              max={L.modelLoadTimeoutMax}
              defaultValue={initial?.model_load_timeout_secs}
              placeholder="600"
              className="input"
            />
          </Field>
          <Field label={t.generationProbe} name="generation_probe" error={errors.generation_probe}>
            <select
              {...attrs("generation_probe")}
              defaultValue={
                initial?.generation_probe === true ? "on" : initial?.generation_probe === false ? "off" : ""
              }
              className="input"
            >
              <option value="">{t.generationProbeByType}</option>
              <option value="on">{t.generationProbeOn}</option>
              <option value="off">{t.generationProbeOff}</option>
            </select>
          </Field>
          <Field label={t.maxConcurrency} name="max_concurrency" error={errors.max_concurrency}>
            <input
              {...attrs("max_concurrency")}
              type="number"
              min={1}
              max={L.concurrencyMax}
              defaultValue={initial?.max_concurrency ?? undefined}
              placeholder={t.unlimited}
              className="input"
            />
          </Field>
        </div>
        <div className="mt-3">
          <Field label={t.notes} name="notes" error={errors.notes}>
            <textarea
              {...attrs("notes")}
              rows={2}
              maxLength={L.notesMax}
              defaultValue={initial?.notes ?? ""}
              className="input"
            />
          </Field>
        </div>
      </details>
      {errors.form && (
        <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" data-testid="form-error">
          {errors.form}
        </p>
      )}
    </div>
  );
}
