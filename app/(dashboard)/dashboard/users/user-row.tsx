"use client";
import { useState } from "react";
import type { ColumnDef } from "@tanstack/react-table";
import { LOCAL_PROVIDER, ROLES, type Role } from "@/lib/db/constants";
import type { listUsers } from "@/lib/auth/users";
import type { Lang, Messages } from "@/lib/i18n/messages";
import { usersApi, type ApiResult } from "@/app/components/api-client";
import { ConfirmButton } from "@/app/components/confirm-button";
import { fmtDateTime } from "@/app/components/format";

export type UserDto = Awaited<ReturnType<typeof listUsers>>[number];

type Run = (p: Promise<ApiResult<unknown>>) => Promise<boolean>;

/** Runs one user mutation and keeps its error beside the control that caused it. */
function useRun(onChanged: () => void): [string | null, Run] {
  const [error, setError] = useState<string | null>(null);
  const run: Run = async (p) => {
    const res = await p;
    setError(res.ok ? null : (res.fieldErrors.password ?? res.fieldErrors.role ?? res.message));
    if (res.ok) onChanged(); // a refused change changed nothing: no reload (it would also drop this error)
    return res.ok;
  };
  return [error, run];
}

function RoleSelect({ u, t, onChanged }: { u: UserDto; t: Messages; onChanged: () => void }) {
  const [error, run] = useRun(onChanged);
  return (
    <>
      <select
        aria-label={`${t.role}: ${u.username}`}
        className="input w-auto py-1"
        value={u.role}
        onChange={(e) => void run(usersApi.update(u.id, { role: e.target.value as Role }))}
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {t[r]}
          </option>
        ))}
      </select>
      {error && <p className="field-error">{error}</p>}
    </>
  );
}

/** Reset password (inline; a local account only: an OpenID Connect user has no password here) and delete (confirmed). */
function UserActions({ u, t, self, onChanged }: { u: UserDto; t: Messages; self: boolean; onChanged: () => void }) {
  const [resetting, setResetting] = useState(false);
  const [password, setPassword] = useState("");
  const [error, run] = useRun(onChanged);
  return (
    <>
      <div className="flex flex-wrap items-center justify-end gap-2">
        {u.provider !== LOCAL_PROVIDER ? null : resetting ? (
          <form
            className="flex items-center gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              void run(usersApi.update(u.id, { password })).then((ok) => ok && (setPassword(""), setResetting(false)));
            }}
          >
            <input
              type="password"
              aria-label={t.newPassword}
              placeholder={t.newPassword}
              className="input w-40 py-1"
              minLength={8}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="new-password"
            />
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
        {!self && (
          <ConfirmButton
            label={t.delete}
            question={t.confirmDeleteUser}
            confirmLabel={t.delete}
            cancelLabel={t.cancel}
            onConfirm={() => void run(usersApi.remove(u.id))}
          />
        )}
      </div>
      {error && <p className="field-error text-right">{error}</p>}
    </>
  );
}

/** The users table's columns: name (with flags), role, how they sign in, created, actions. */
export function userColumns(t: Messages, lang: Lang, selfId: string, onChanged: () => void): ColumnDef<UserDto>[] {
  return [
    {
      id: "username",
      header: t.username,
      cell: ({ row: { original: u } }) => (
        <span className="font-medium">
          {u.username} {u.id === selfId && <span className="text-xs text-slate-400">({t.you})</span>}
          {u.must_change_password && (
            <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-800">{t.mustChangeFlag}</span>
          )}
          {u.provider === LOCAL_PROVIDER && !u.has_password && (
            <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-800">{t.noPasswordYet}</span>
          )}
        </span>
      ),
    },
    { id: "role", header: t.role, cell: ({ row }) => <RoleSelect u={row.original} t={t} onChanged={onChanged} /> },
    {
      id: "provider",
      header: t.signInMethod,
      cell: ({ row: { original: u } }) => (
        <span className="text-slate-600" data-testid="user-provider">
          {u.provider === LOCAL_PROVIDER ? t.localAccount : u.provider}
        </span>
      ),
    },
    {
      id: "created",
      header: t.created,
      cell: ({ row }) => (
        <span className="text-slate-500" suppressHydrationWarning>
          {fmtDateTime(row.original.created_at, lang)}
        </span>
      ),
    },
    {
      id: "actions",
      header: "",
      meta: { align: "right" },
      cell: ({ row }) => <UserActions u={row.original} t={t} self={row.original.id === selfId} onChanged={onChanged} />,
    },
  ];
}
