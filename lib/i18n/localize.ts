// Formats a catalogue message, and turns a stored English message back into the reader's language. Pure and
// client-safe: the server stores and answers English (`last_error`, the API's `message`); the dashboard shows it
// in Japanese by matching it against the English templates.
import { errorsEn, type ErrorKey } from "./errors-en";

export type ErrorParams = Record<string, string | number>;

export function formatMessage(template: string, params: ErrorParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** The English message of `key`: what the API answers and what is stored. */
export const englishMessage = (key: ErrorKey, params?: ErrorParams) => formatMessage(errorsEn[key], params);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const MATCHERS = (Object.keys(errorsEn) as ErrorKey[]).map((key) => {
  const names: string[] = [];
  const source = errorsEn[key]
    .split(/(\{\w+\})/)
    .map((part) => {
      const m = /^\{(\w+)\}$/.exec(part);
      if (!m) return escapeRegExp(part);
      names.push(m[1]);
      return "(.+?)";
    })
    .join("");
  return { key, names, re: new RegExp(`^${source}$`, "s") };
});

/** The key and parameters an English catalogue message was made from; null for any other text. */
export function parseMessage(text: string): { key: ErrorKey; params: ErrorParams } | null {
  for (const { key, names, re } of MATCHERS) {
    const m = re.exec(text);
    if (m) return { key, params: Object.fromEntries(names.map((n, i) => [n, m[i + 1]])) };
  }
  return null;
}

/**
 * `text` in the reader's language (`t`, the page's catalogue) when it is a catalogue message — a reason inside a
 * message is translated too; any other text as it is.
 */
export function localize(text: string | null | undefined, t: Record<ErrorKey, string>): string {
  if (!text) return "";
  const parsed = parseMessage(text);
  if (!parsed) return text;
  const params = Object.fromEntries(Object.entries(parsed.params).map(([k, v]) => [k, localize(String(v), t)]));
  return formatMessage(t[parsed.key], params);
}
