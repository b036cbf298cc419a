"use client";
import { useState } from "react";
import { LOCAL_PROVIDER, ROLES, type Role } from "@/lib/db/constants";
import type { listUsers } from "@/lib/auth/users";
import type { Lang, Messages } from "@/lib/i18n/messages";
import { usersApi } from "@/app/components/api-client";
import { ConfirmButton } from "@/app/components/confirm-button";
import { fmtDateTime } from "@/app/components/format";

export type UserDto = Awaited<ReturnType<typeof listUsers>>[number];

/** One user: change role, reset password (inline), delete (confirmed). */
export function UserRow({ u, t, lang, self, onChanged }: { u: UserDto; t: Messages; lang: Lang; self: boolean; onChanged: (error: string | null) => void }) {
  const [resetting, setResetting] = useState(false);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const local = u.provider === LOCAL_PROVIDER; // an OpenID Connect user has no password here to reset

  async function run(p: Promise<{ ok: boolean; message: string | null; fieldErrors: Record<string, string> }>) {
    const res = await p;
    const msg = res.ok ? null : (res.fieldErrors.password ?? res.fieldErrors.role ?? res.message);
    setError(msg);
    if (res.ok) setResetting(false);
    onChanged(msg);
    return res.ok;
  }

  return (
    <tr data-testid="user-row" data-username={u.username}>
      <td className="px-3 py-2 font-medium">
        {u.username} {self && <span className="text-xs text-slate-400">({t.you})</span>}
        {u.must_change_password && <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-800">{t.mustChangeFlag}</span>}
        {local && !u.has_password && <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-800">{t.noPasswordYet}</span>}
      </td>
      <td className="px-3 py-2">
        <select aria-label={`${t.role}: ${u.username}`} className="input w-auto py-1" value={u.role} onChange={(e) => void run(usersApi.update(u.id, { role: e.target.value as Role }))}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t[r]}
            </option>
          ))}
        </select>
      </td>
      <td className="px-3 py-2 text-slate-600" data-testid="user-provider">
        {local ? t.localAccount : u.provider}
      </td>
      <td className="whitespace-nowrap px-3 py-2 text-slate-500" suppressHydrationWarning>
        {fmtDateTime(u.created_at, lang)}
      </td>
      <td className="px-3 py-2">
        <div className="flex flex-wrap items-center justify-end gap-2">
          {!local ? null : resetting ? (
            <form
              className="flex items-center gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                void run(usersApi.update(u.id, { password })).then((ok) => ok && setPassword(""));
              }}
            >
              <input type="password" aria-label={t.newPassword} placeholder={t.newPassword} className="input w-40 py-1" minLength={8} value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
              <button type="submit" className="btn-primary py-1">
                {t.save}
              </button>
              <button type="button" className="btn-secondary py-1" onClick={() => setResetting(false)}>
                {t.cancel}
              </button>
            </form>
          ) : (
            <button type="button" className="btn-secondary" onClick={() => setResetting(true)}>
              {t.resetPassword}
            </button>
          )}
          {!self && <ConfirmButton label={t.delete} question={t.confirmDeleteUser} confirmLabel={t.delete} cancelLabel={t.cancel} onConfirm={() => void run(usersApi.remove(u.id))} />}
        </div>
        {error && <p className="field-error text-right">{error}</p>}
      </td>
    </tr>
  );
}
