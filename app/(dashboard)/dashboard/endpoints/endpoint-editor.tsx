"use client";
import { useRef, useState } from "react";
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
  const test = useConnectionTest();

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaving(true);
    const res = await save(readEndpointForm(e.currentTarget, mode));
    setSaving(false);
    setErrors(res.fieldErrors);
    if (res.ok) onSaved(res.data);
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4" aria-label={mode === "edit" ? t.edit : undefined}>
      <EndpointFields t={t} errors={{ ...test.probeErrors, ...errors }} initial={initial} />
      {test.probe && <ProbeResultView t={t} result={test.probe} />}
      <div className="flex flex-wrap justify-end gap-2 border-t border-slate-100 pt-4">
        <button type="button" className="btn-secondary" onClick={onCancel}>
          {t.cancel}
        </button>
        <button type="button" className="btn-secondary" disabled={test.probing} onClick={() => void test.run(formRef.current)}>
          {test.probing ? t.testing : t.connectionTest}
        </button>
        <button type="submit" className="btn-primary" disabled={saving}>
          {saving ? t.saving : t.save}
        </button>
      </div>
    </form>
  );
}
