// What the start-up log tells a new operator: where the dashboard is, and how to get an API key. Pure.

/** The address to open: a wildcard listen address is reached as localhost; LLMLB_PUBLIC_URL wins when set. */
export function dashboardUrl({ host, port, publicUrl }: { host: string; port: number; publicUrl?: string }): string {
  if (publicUrl) return `${publicUrl.replace(/\/+$/, "")}/dashboard`;
  const h = host === "0.0.0.0" || host === "::" || host === "" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return `http://${h}:${port}/dashboard`;
}

/** The start-up hint: the dashboard URL, and (debug keys off) where to create a key; with them on, which ones. */
export function startupHint({ url, debugKeys }: { url: string; debugKeys: boolean }): string {
  return debugKeys
    ? `dashboard: ${url} (debug keys sk_debug, sk_debug_api, sk_debug_viewer are accepted: never in production)`
    : `dashboard: ${url}; create an API key under API keys (${url}/api-keys), then point an OpenAI SDK at ${url.replace(/\/dashboard$/, "")}/v1`;
}
