// Client-safe display helpers shared by dashboard pages. Missing values render as an em dash.
export const DASH = "—";

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return DASH;
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms)} ms`;
}

export function fmtNumber(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined) return DASH;
  return n.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function fmtPercent(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? DASH : `${(ratio * 100).toFixed(1)}%`;
}

export function fmtDateTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return DASH;
  return new Date(iso).toLocaleString(lang === "ja" ? "ja-JP" : "en-US", { dateStyle: "short", timeStyle: "medium" });
}

/** "12 s ago", "3 min ago" in the page language; the exact time goes in a title attribute. */
export function fmtAgo(iso: string | null | undefined, lang: string, now = Date.now()): string {
  if (!iso) return DASH;
  const secs = Math.round((new Date(iso).getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(lang === "ja" ? "ja-JP" : "en-US", { numeric: "auto", style: "short" });
  const abs = Math.abs(secs);
  if (abs < 60) return rtf.format(secs, "second");
  if (abs < 3600) return rtf.format(Math.round(secs / 60), "minute");
  if (abs < 86_400) return rtf.format(Math.round(secs / 3600), "hour");
  return rtf.format(Math.round(secs / 86_400), "day");
}

/** Hour/minute label of a bucket start for chart axes. */
export function fmtClock(ms: number, lang: string, withDate = false): string {
  return new Date(ms).toLocaleString(lang === "ja" ? "ja-JP" : "en-US", {
    ...(withDate ? { month: "numeric", day: "numeric" } : {}),
    hour: "2-digit",
    minute: "2-digit",
  });
}
