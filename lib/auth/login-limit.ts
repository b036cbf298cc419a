import { FailureLimiter } from "./rate-limit";

/** 5 failed logins per minute per client IP + username, then 429 until the window frees up. */
let limiter: FailureLimiter | null = null;
/** The sign-in route's limiter: 5 failures a minute per client address and username. Per instance. */
export const loginLimiter = () => (limiter ??= new FailureLimiter(5, 60_000));

type HeaderBag = Record<string, string | string[] | undefined> | { get(name: string): string | null } | undefined;

function header(headers: HeaderBag, name: string): string {
  if (!headers) return "";
  const v =
    typeof (headers as { get?: unknown }).get === "function"
      ? (headers as { get(n: string): string | null }).get(name)
      : (headers as Record<string, unknown>)[name];
  return Array.isArray(v) ? String(v[0]) : String(v ?? "");
}

/** server.ts overwrites x-llmlb-client-ip with the socket's address, so a client cannot choose it. */
export const clientIp = (headers: HeaderBag) => header(headers, "x-llmlb-client-ip") || "unknown";

/** The key of a username as authorize() checks it (lib/auth/login-body.ts `loginCredentials`), case-folded. */
export const loginLimitKey = (headers: HeaderBag, username: string) =>
  `${clientIp(headers)}|${username.slice(0, 64).toLowerCase()}`;
