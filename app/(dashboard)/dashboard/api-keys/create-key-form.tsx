"use client";
import { useState } from "react";
import { PERMISSION_PRESETS, PERMISSIONS, type Permission, type PermissionPreset } from "@/lib/db/constants";
import type { Messages } from "@/lib/i18n/messages";
import { apiKeysApi, type FieldErrors } from "@/app/components/api-client";

const PRESETS = Object.keys(PERMISSION_PRESETS) as PermissionPreset[];
const permKey = (p: Permission) => `perm_${p.replace(/\./g, "_")}` as keyof Messages;

/** Name, a preset or permission checkboxes (each with what it allows), an optional expiry; calls back with the key. */
export function CreateKeyForm({ t, onCreated }: { t: Messages; onCreated: (key: string, name: string) => void }) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [perms, setPerms] = useState<Set<Permission>>(() => new Set(PERMISSION_PRESETS.inference));
  const preset =
    PRESETS.find(
      (p) => PERMISSION_PRESETS[p].length === perms.size && PERMISSION_PRESETS[p].every((x) => perms.has(x)),
    ) ?? null;
  const toggle = (p: Permission, on: boolean) =>
    setPerms((prev) => new Set(on ? [...prev, p] : [...prev].filter((x) => x !== p)));

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const expires = String(data.get("expires_at") ?? "");
    setBusy(true);
    const res = await apiKeysApi.create({
      name: String(data.get("name") ?? "").trim(),
      permissions: PERMISSIONS.filter((p) => perms.has(p)),
      expires_at: expires ? new Date(expires).toISOString() : null,
    });
    setBusy(false);
    setErrors(res.fieldErrors);
    if (res.ok && res.data) {
      form.reset();
      setPerms(new Set(PERMISSION_PRESETS.inference));
      onCreated(res.data.key, res.data.name);
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
        <div className="mt-1 flex flex-wrap gap-2" data-testid="key-presets">
          {PRESETS.map((p) => (
            <button
              key={p}
              type="button"
              aria-pressed={preset === p}
              className={`rounded-md px-2 py-1 text-xs ring-1 ${preset === p ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-slate-700 ring-slate-300"}`}
              onClick={() => setPerms(new Set(PERMISSION_PRESETS[p]))}
              title={t[`preset_${p}_hint`]}
            >
              {t[`preset_${p}`]}
            </button>
          ))}
        </div>
        {preset && <p className="mt-1 text-xs text-slate-500">{t[`preset_${preset}_hint`]}</p>}
        <div className="mt-2 grid grid-cols-1 gap-1 sm:grid-cols-2">
          {PERMISSIONS.map((p) => (
            <label key={p} className="flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                name="permissions"
                value={p}
                checked={perms.has(p)}
                onChange={(e) => toggle(p, e.target.checked)}
                className="mt-0.5"
              />
              <span className="min-w-0">
                <span className="font-mono text-xs">{p}</span>
                <span className="block text-xs text-slate-500">{t[permKey(p)]}</span>
              </span>
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
