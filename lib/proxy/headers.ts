import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length"]);
const CLIENT_ONLY = new Set(["authorization", "x-api-key", "cookie", "origin", "referer"]);

const NONE: ReadonlySet<string> = new Set();

function connectionListed(value: string | string[] | undefined): ReadonlySet<string> {
  if (value === undefined) return NONE;
  const raw = Array.isArray(value) ? value.join(",") : value;
  return new Set(raw.split(",").map((s) => s.trim().toLowerCase()));
}

/** Headers for the upstream: the client's minus hop-by-hop and credentials, plus the endpoint's key. */
export function upstreamRequestHeaders(client: IncomingHttpHeaders, apiKey: string | null, requestId: string, length: number): Record<string, string> {
  const listed = connectionListed(client.connection);
  const out: Record<string, string> = {};
  for (const name in client) {
    if (HOP_BY_HOP.has(name) || CLIENT_ONLY.has(name) || listed.has(name) || name.startsWith("x-llmlb-") || name.startsWith("sec-")) continue;
    const v = client[name];
    if (v !== undefined) out[name] = Array.isArray(v) ? v.join(", ") : v;
  }
  out["x-request-id"] = requestId;
  out["content-length"] = String(length);
  if (apiKey) out.authorization = `Bearer ${apiKey}`;
  return out;
}

/** Headers for the client: the upstream's minus hop-by-hop and cookies (length is set by whoever writes the body). */
export function clientResponseHeaders(upstream: Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const listed = connectionListed(upstream.connection);
  const out: OutgoingHttpHeaders = {};
  for (const name in upstream) {
    if (HOP_BY_HOP.has(name) || listed.has(name) || name === "server" || name === "set-cookie") continue;
    const v = upstream[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}
