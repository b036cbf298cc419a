/**
 * A cookie-authenticated request must come from our own pages: its Origin is the Host this server received, or
 * the configured public URL (LLMLB_PUBLIC_URL, for a reverse proxy that rewrites Host). X-Forwarded-Host and
 * its kin are never read: any client may send them, so an attacker's page would name its own origin there.
 */
export function isSameOrigin(headers: { get(name: string): string | null }, publicUrl?: string): boolean {
  const origin = headers.get("origin");
  const host = headers.get("host");
  if (!origin || (!host && !publicUrl)) return headers.get("sec-fetch-site") === "same-origin";
  try {
    const from = new URL(origin);
    return from.host === host || (publicUrl !== undefined && from.origin === new URL(publicUrl).origin);
  } catch {
    return false;
  }
}
