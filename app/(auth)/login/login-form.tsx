"use client";
import { useState } from "react";
import { signIn } from "next-auth/react";
import type { Messages } from "@/lib/i18n/messages";

export function LoginForm({ t }: { t: Messages }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const res = await signIn("credentials", {
      username: form.get("username"),
      password: form.get("password"),
      redirect: false,
    }).catch(() => null);
    setBusy(false);
    if (res?.ok && !res.error) {
      window.location.href = "/dashboard";
      return;
    }
    setError(res?.status === 429 ? t.loginRateLimited : t.loginFailed);
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3" aria-label={t.signIn}>
      <label className="block text-sm">
        {t.username}
        <input name="username" autoComplete="username" required className="input mt-1" />
      </label>
      <label className="block text-sm">
        {t.password}
        <input name="password" type="password" autoComplete="current-password" required className="input mt-1" />
      </label>
      {error && (
        <p data-testid="login-error" className="text-sm text-red-600">
          {error}
        </p>
      )}
      <button type="submit" className="btn-primary w-full" disabled={busy}>
        {t.signIn}
      </button>
    </form>
  );
}
