"use client";
import { LANG_COOKIE, LANGS, type Lang } from "@/lib/i18n/messages";

export function LanguageSwitch({ lang, label }: { lang: Lang; label: string }) {
  return (
    <label className="flex items-center gap-2">
      {label}
      <select
        aria-label={label}
        className="rounded border border-slate-300 px-1 py-0.5"
        value={lang}
        onChange={(e) => {
          // biome-ignore lint/suspicious/noDocumentCookie: one plain cookie, read by the server on the next page
          document.cookie = `${LANG_COOKIE}=${e.target.value}; path=/; max-age=31536000; samesite=lax`;
          window.location.reload();
        }}
      >
        {LANGS.map((l) => (
          <option key={l} value={l}>
            {l === "en" ? "English" : "日本語"}
          </option>
        ))}
      </select>
    </label>
  );
}
