"use client";
import { useState } from "react";
import { signIn } from "next-auth/react";
import type { Messages } from "@/lib/i18n/messages";
import { apiFetch, type FieldErrors } from "@/app/components/api-client";

export function ChangePasswordForm({ t, username }: { t: Messages; username: string }) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [done, setDone] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const body = {
      current_password: String(form.get("current_password")),
      new_password: String(form.get("new_password")),
    };
    const res = await apiFetch("/api/me", { method: "PATCH", body });
    setErrors(res.fieldErrors);
    if (!res.ok) return;
    // refresh the session so it no longer carries the forced-change flag
    await signIn("credentials", { username, password: body.new_password, redirect: false });
    setDone(true);
    window.location.href = "/dashboard/account";
  }

  return (
    <form onSubmit={onSubmit} className="card space-y-3">
      <h2 className="font-medium">{t.changePassword}</h2>
      <label className="block text-sm">
        {t.currentPassword}
        <input
          name="current_password"
          type="password"
          autoComplete="current-password"
          required
          className="input mt-1"
        />
        {errors.current_password && <p className="field-error">{errors.current_password}</p>}
      </label>
      <label className="block text-sm">
        {t.newPassword}
        <input
          name="new_password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          className="input mt-1"
        />
        {errors.new_password && <p className="field-error">{errors.new_password}</p>}
      </label>
      {errors.form && <p className="field-error">{errors.form}</p>}
      {done && <p className="text-sm text-green-700">{t.passwordChanged}</p>}
      <button type="submit" className="btn-primary">
        {t.save}
      </button>
    </form>
  );
}
