"use client";
import { useRef, useState } from "react";
import { TRAILING_V1 } from "@/lib/db/constants";
import { formatMessage } from "@/lib/i18n/localize";
import type { Messages } from "@/lib/i18n/messages";
import type { ApiResult, EndpointDto, EndpointInput, FieldErrors } from "@/app/components/api-client";
import { EndpointFields, readEndpointForm } from "./endpoint-form";
import { ProbeResultView } from "./probe-result";
import { useConnectionTest } from "./use-connection-test";

/** The endpoint form shared by "New endpoint" and "Edit": fields, connection test, field errors, save. */
export function EndpointEditor({
  t,
  mode,
  initial,
  save,
  onSaved,
  onCancel,
}: {
  t: Messages;
  mode: "create" | "edit";
  initial?: EndpointDto;
  save: (input: EndpointInput) => Promise<ApiResult<EndpointDto>>;
  onSaved: (row: EndpointDto | null) => void;
  onCancel: () => void;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const [typedUrl, setTypedUrl] = useState(initial?.base_url ?? "");
  const test = useConnectionTest();

  /** A field's error goes as soon as the field is edited: it described the old value. */
  function onInput(e: React.FormEvent<HTMLFormElement>) {
    const name = (e.target as HTMLInputElement).name;
    if (name === "base_url") setTypedUrl((e.target as HTMLInputElement).value.trim());
    setErrors(({ [name]: _gone, form: _form, ...rest }) => rest);
    test.clearError(name);
  }
  const strippedUrl = TRAILING_V1.test(typedUrl) ? typedUrl.replace(TRAILING_V1, "").replace(/\/+$/, "") : null;

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaving(true);
    const res = await save(readEndpointForm(e.currentTarget, mode));
    setSaving(false);
    setErrors(res.fieldErrors);
    if (res.ok) onSaved(res.data);
  }

  return (
    <form
      ref={formRef}
      onSubmit={onSubmit}
      onInput={onInput}
      noValidate
      className="space-y-4"
      aria-label={mode === "edit" ? t.edit : undefined}
    >
      <EndpointFields t={t} errors={{ ...test.probeErrors, ...errors }} initial={initial} />
      {strippedUrl && (
        <p
          role="note"
          data-testid="v1-notice"
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200"
        >
          {formatMessage(t.note_v1_stripped, { url: strippedUrl })}
        </p>
      )}
      {test.probe && <ProbeResultView t={t} result={test.probe} />}
      <div className="flex flex-wrap justify-end gap-2 border-t border-slate-100 pt-4">
        <button type="button" className="btn-secondary" onClick={onCancel}>
          {t.cancel}
        </button>
        <button
          type="button"
          className="btn-secondary"
          disabled={test.probing}
          onClick={() => void test.run(formRef.current)}
        >
          {test.probing ? t.testing : t.connectionTest}
        </button>
        <button type="submit" className="btn-primary" disabled={saving}>
          {saving ? t.saving : t.save}
        </button>
      </div>
    </form>
  );
}
