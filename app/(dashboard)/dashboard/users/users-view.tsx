"use client";
import { useCallback, useMemo, useState } from "react";
import { getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useRouter } from "next/navigation";
import { ROLES, type Role } from "@/lib/db/constants";
import type { Lang, Messages } from "@/lib/i18n/messages";
import { usersApi, type FieldErrors } from "@/app/components/api-client";
import { DataTable } from "@/app/components/data-table";
import { userColumns, type UserDto } from "./user-row";

export function UsersView({ t, lang, users, selfId }: { t: Messages; lang: Lang; users: UserDto[]; selfId: string }) {
  const router = useRouter();
  const [errors, setErrors] = useState<FieldErrors>({});
  const refresh = useCallback(() => router.refresh(), [router]);
  // keyed on the language, not on `t`'s identity: a server refresh sends an equal but new `t`, and new columns
  // would remount every cell (dropping a row's error or open password form)
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the language, not on `t`'s identity (see above)
  const cols = useMemo(() => userColumns(t, lang, selfId, refresh), [lang, selfId, refresh]);
  const table = useReactTable({
    data: users,
    columns: cols,
    getCoreRowModel: getCoreRowModel(),
    enableSorting: false,
    getRowId: (u) => u.id,
  });

  async function create(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const res = await usersApi.create({
      username: String(data.get("username") ?? "").trim(),
      password: String(data.get("password") ?? ""),
      role: String(data.get("role")) as Role,
    });
    setErrors(res.fieldErrors);
    if (res.ok) {
      form.reset();
      router.refresh();
    }
  }

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{t.users}</h1>
      <form
        onSubmit={create}
        noValidate
        className="card grid gap-3 sm:grid-cols-[1fr_1fr_auto_auto] sm:items-start"
        aria-label={t.createUser}
      >
        <label className="block text-sm">
          {t.username}
          <input name="username" required className="input mt-1" autoComplete="off" />
          {errors.username && <p className="field-error">{errors.username}</p>}
        </label>
        <label className="block text-sm">
          {t.password}
          <input
            name="password"
            type="password"
            required
            minLength={8}
            className="input mt-1"
            autoComplete="new-password"
          />
          {errors.password && <p className="field-error">{errors.password}</p>}
        </label>
        <label className="block text-sm">
          {t.role}
          <select name="role" className="input mt-1" defaultValue="viewer">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t[r]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn-primary sm:mt-6">
          {t.createUser}
        </button>
        {errors.form && <p className="field-error sm:col-span-4">{errors.form}</p>}
      </form>
      <DataTable
        table={table}
        label={t.users}
        empty=""
        rowTestId="user-row"
        rowAttrs={(u) => ({ "data-username": u.username })}
      />
    </div>
  );
}
