// Every dashboard label in English and Japanese (en.ts, ja.ts). Client-safe: plain data only.
import { en, type Messages } from "./en";
import { ja } from "./ja";

export type { MessageKey, Messages } from "./en";

export const LANGS = ["en", "ja"] as const;
export type Lang = (typeof LANGS)[number];
export const MESSAGES: Record<Lang, Messages> = { en, ja };
export const LANG_COOKIE = "llmlb_lang";

/** Picks the language: an explicit cookie choice wins, else the browser's Accept-Language. */
export function pickLang(cookie: string | undefined, acceptLanguage: string | null): Lang {
  if (cookie === "en" || cookie === "ja") return cookie;
  const first = (acceptLanguage ?? "").split(",").map((s) => s.trim().slice(0, 2).toLowerCase());
  for (const l of first) if (l === "ja" || l === "en") return l;
  return "en";
}
