"use client";
import { useState } from "react";
import { PERMISSIONS, type Permission } from "@/lib/db/constants";
import type { Messages } from "@/lib/i18n/messages";
import { apiKeysApi, type FieldErrors } from "@/app/components/api-client";

const DEFAULT_PERMS: Permission[] = ["openai.inference", "openai.models.read"];

/** Name, permission checkboxes and an optional expiry; calls back with the plaintext key (shown once). */
export function CreateKeyForm({ t, onCreated }: { t: Messages; onCreated: (key: string) => void }) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const expires = String(data.get("expires_at") ?? "");
    setBusy(true);
    const res = await apiKeysApi.create({
      name: String(data.get("name") ?? "").trim(),
      permissions: data.getAll("permissions").map(String) as Permission[],
      expires_at: expires ? new Date(expires).toISOString() : null,
    });
    setBusy(false);
    setErrors(res.fieldErrors);
    if (res.ok && res.data) {
      form.reset();
      onCreated(res.data.key);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="card space-y-3" aria-label={t.createKey}>
      <h2 className="font-medium">{t.createKey}</h2>
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="block text-sm">
          {t.name}
          <input name="name" required maxLength={100} className="input mt-1" autoComplete="off" />
          {errors.name && <p className="field-error">{errors.name}</p>}
        </label>
        <label className="block text-sm">
          {t.expiresAt}
          <input name="expires_at" type="datetime-local" className="input mt-1" />
          {errors.expires_at && <p className="field-error">{errors.expires_at}</p>}
        </label>
      </div>
      <fieldset>
        <legend className="text-sm">{t.permissions}</legend>
        <div className="mt-1 grid grid-cols-1 gap-1 sm:grid-cols-2 lg:grid-cols-4">
          {PERMISSIONS.map((p) => (
            <label key={p} className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="permissions" value={p} defaultChecked={DEFAULT_PERMS.includes(p)} />
              <span className="font-mono text-xs">{p}</span>
            </label>
          ))}
        </div>
        {errors.permissions && <p className="field-error">{errors.permissions}</p>}
      </fieldset>
      {errors.form && <p className="field-error">{errors.form}</p>}
      <button type="submit" className="btn-primary" disabled={busy}>
        {t.createKey}
      </button>
    </form>
  );
}
