// The header rules of /v1: what the client's request passes upstream, and what the upstream's answer passes back.
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { VIA_HEADER } from "../cluster/via";
import { HOP_BY_HOP } from "../hop-by-hop";

/** Never passed on, either way: the hop's own headers, and the message's host and length (each hop sets its own). */
const NOT_PASSED = new Set([...HOP_BY_HOP, "host", "content-length"]);
/** The client's credentials and browser context: the upstream gets the endpoint's own key instead. */
const CLIENT_ONLY = new Set(["authorization", "x-api-key", "cookie", "origin", "referer"]);
/**
 * Negotiations between the client and this server, not the upstream: `expect: 100-continue` is answered here (and
 * undici refuses to send it), and the upstream is always asked for identity encoding so its answer can be read.
 */
const NEGOTIATED_HERE = new Set(["expect", "accept-encoding"]);

/** What the proxy reads from the client's headers, in one pass over the raw list (node's header object is never built). */
export interface ClientHeaders {
  /** the headers to pass upstream, flat: [name, value, name, value, …] */
  forward: string[];
  authorization: string | null;
  apiKey: string | null;
  cookie: string | null;
  requestId: string | null;
  /** X-LLMLB-Endpoint: pin the request to one endpoint id */
  pin: string | null;
  /** X-LLMLB-Via: the clusters this request already passed through, as sent (null when none) */
  via: string | null;
}

/** A Connection header that lists no header name (what nearly every client sends). */
const PLAIN_CONNECTION = /^\s*(keep-alive|close)\s*$/i;

/** What an upstream's answer never passes to the client. */
const UPSTREAM_ONLY = new Set(["server", "set-cookie", "x-request-id", "content-encoding", "location"]);

/** Names listed in a Connection header (besides keep-alive and close) are hop-by-hop too. */
function connectionListed(value: string): Set<string> {
  const out = new Set<string>();
  for (const t of value.split(",")) out.add(t.trim().toLowerCase());
  return out;
}

/** Reads the client's raw headers: credentials, request id, pin, and what to forward upstream. */
export function scanClientHeaders(raw: string[]): ClientHeaders {
  const out: ClientHeaders = {
    forward: [],
    authorization: null,
    apiKey: null,
    cookie: null,
    requestId: null,
    pin: null,
    via: null,
  };
  let connection: string | null = null;
  let requestIds = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const value = raw[i + 1];
    if (NOT_PASSED.has(name)) {
      if (name === "connection") connection = connection === null ? value : `${connection},${value}`;
      continue;
    }
    if (CLIENT_ONLY.has(name)) {
      if (name === "authorization") out.authorization ??= value;
      else if (name === "x-api-key") out.apiKey ??= value;
      else if (name === "cookie") out.cookie = out.cookie === null ? value : `${out.cookie}; ${value}`;
      continue;
    }
    if (name.startsWith("x-llmlb-")) {
      if (name === "x-llmlb-endpoint") out.pin ??= value;
      else if (name === VIA_HEADER) out.via = out.via === null ? value : `${out.via},${value}`;
      continue;
    }
    if (name.startsWith("sec-") || NEGOTIATED_HERE.has(name)) continue;
    if (name === "x-request-id") {
      requestIds++;
      out.requestId = value;
      continue; // set by the proxy on every attempt
    }
    out.forward.push(name, value);
  }
  if (requestIds > 1) out.requestId = null; // two ids: neither is the request's
  if (connection !== null && !PLAIN_CONNECTION.test(connection)) {
    const listed = connectionListed(connection);
    listed.delete("keep-alive");
    listed.delete("close");
    if (listed.size) out.forward = out.forward.filter((_, i, a) => !listed.has(a[i - (i % 2)]));
  }
  return out;
}

/**
 * The client's response headers, flat for `writeHead`: the upstream's minus hop-by-hop, `server`, cookies, its
 * encoding (the proxy asks for identity and decodes what comes compressed anyway), a redirect's `location` and any
 * `x-llmlb-*` (only this server says which endpoint answered), plus the request id and which endpoint answered.
 * Length is set by whoever writes the body.
 */
export function clientResponseHeaders(
  upstream: IncomingHttpHeaders,
  requestId: string,
  endpointId: string,
  endpointNameHeader: string,
): Array<string | string[]> {
  const out: Array<string | string[]> = ["x-request-id", requestId];
  const c = upstream.connection;
  const listed = typeof c === "string" && !PLAIN_CONNECTION.test(c) ? connectionListed(c) : null;
  for (const name in upstream) {
    if (NOT_PASSED.has(name) || UPSTREAM_ONLY.has(name) || name.startsWith("x-llmlb-") || listed?.has(name)) continue;
    const v = upstream[name];
    if (v !== undefined) out.push(name, v);
  }
  out.push("x-llmlb-endpoint-id", endpointId, "x-llmlb-endpoint-name", endpointNameHeader);
  return out;
}

/**
 * A streamed response's head, as Node keeps it (`_header`, held until the response ends): built by appending a
 * piece a header, a chain of some 45 string pieces (~1.4 KB of heap) for the stream's life. Reading a character
 * makes V8 flatten it in place to one string of its length. Returns `res`.
 */
export function settledHead<T extends ServerResponse>(res: T): T {
  const head = (res as { _header?: unknown })._header;
  if (typeof head === "string") head.charCodeAt(0);
  return res;
}
