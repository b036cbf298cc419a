// Small HTTP helpers for integration tests: JSON calls with a key or a session cookie.
import http from "node:http";
export interface Call {
  status: number;
  headers: Headers;
  body: any; // test convenience: assertions pick fields
  text: string;
}

export async function call(
  base: string,
  method: string,
  path: string,
  opts: { key?: string; cookie?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Call> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.cookie) {
    headers.cookie = opts.cookie;
    headers.origin ??= base;
  }
  let body: string | undefined = opts.raw;
  if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["content-type"] ??= "application/json";
  const res = await fetch(base + path, { method, headers, body, redirect: "manual" });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Signs in through next-auth's credentials flow and returns the session cookie header. */
export async function login(
  base: string,
  username: string,
  password: string,
): Promise<{ status: number; cookie: string | null }> {
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const csrfCookie = csrfRes.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, username, password, json: "true" }),
    redirect: "manual",
  });
  const session = res.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="));
  return { status: res.status, cookie: session ? session.split(";")[0] : null };
}

/**
 * A POST sent as curl sends bodies over 1 MiB: `Expect: 100-continue`, the body only after the server's 100
 * Continue. Resolves with whether the 100 came, the status and the body's text.
 */
export function postExpectingContinue(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ continued: boolean; status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = http.request(url, {
      method: "POST",
      headers: { ...headers, "content-length": body.length, expect: "100-continue" },
    });
    req.on("continue", () => {
      continued = true;
      req.end(body);
    });
    req.on("response", (r) => {
      let text = "";
      r.on("data", (d) => (text += d));
      r.on("end", () => resolve({ continued, status: r.statusCode!, text }));
    });
    req.on("error", reject);
  });
}
