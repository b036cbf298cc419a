import "server-only";
import { cookies, headers } from "next/headers";
import { LANG_COOKIE, MESSAGES, pickLang, type Lang, type Messages } from "./messages";

export async function currentLang(): Promise<Lang> {
  const [c, h] = await Promise.all([cookies(), headers()]);
  return pickLang(c.get(LANG_COOKIE)?.value, h.get("accept-language"));
}

export async function messages(): Promise<{ lang: Lang; t: Messages }> {
  const lang = await currentLang();
  return { lang, t: MESSAGES[lang] };
}
