/**
 * What the start-up log tells an operator: where the dashboard is and, with the development keys off, how to get
 * an API key. Pure. A wildcard listen address is shown as localhost (the address a browser on this host opens).
 */
export function startupBanner({
  host,
  port,
  debugKeys,
  publicUrl,
}: {
  host: string;
  port: number;
  debugKeys: boolean;
  publicUrl?: string;
}): string[] {
  const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  const base = publicUrl?.replace(/\/+$/, "") ?? `http://${shownHost}:${port}`;
  const lines = [`Dashboard: ${base}/dashboard`];
  if (!debugKeys) {
    lines.push(
      `API keys: create one in the dashboard (${base}/dashboard/api-keys), or signed in as an admin:`,
      `  POST ${base}/api/api-keys {"name":"my-app","permissions":["openai.inference","openai.models.read"]}`,
    );
  }
  return lines;
}
