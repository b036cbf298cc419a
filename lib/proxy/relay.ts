import type { IncomingHttpHeaders } from "node:http";
import { readUsage, type Usage } from "./usage";
import { generatedChars } from "./usage";

/** Headers that describe one hop, not the message: never passed on, either way. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length"]);
/** The client's credentials and browser context: the upstream gets the endpoint's own key instead. */
const CLIENT_ONLY = new Set(["authorization", "x-api-key", "cookie", "origin", "referer"]);

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
}

/** A Connection header that lists no header name (what nearly every client sends). */
const PLAIN_CONNECTION = /^\s*(keep-alive|close)\s*$/i;

/** Names listed in a Connection header (besides keep-alive and close) are hop-by-hop too. */
function connectionListed(value: string): Set<string> {
  const out = new Set<string>();
  for (const t of value.split(",")) out.add(t.trim().toLowerCase());
  return out;
}

/** Reads the client's raw headers: credentials, request id, pin, and what to forward upstream. */
export function scanClientHeaders(raw: string[]): ClientHeaders {
  const out: ClientHeaders = { forward: [], authorization: null, apiKey: null, cookie: null, requestId: null, pin: null };
  let connection: string | null = null;
  let requestIds = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const value = raw[i + 1];
    if (HOP_BY_HOP.has(name)) {
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
      continue;
    }
    if (name.startsWith("sec-")) continue;
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
 * The client's response headers, flat for `writeHead`: the upstream's minus hop-by-hop, `server` and cookies,
 * plus the request id and which endpoint answered. Length is set by whoever writes the body.
 */
export function clientResponseHeaders(upstream: IncomingHttpHeaders, requestId: string, endpointId: string, endpointNameHeader: string): Array<string | string[]> {
  const out: Array<string | string[]> = ["x-request-id", requestId];
  const c = upstream.connection;
  const listed = typeof c === "string" && !PLAIN_CONNECTION.test(c) ? connectionListed(c) : null;
  for (const name in upstream) {
    if (HOP_BY_HOP.has(name) || name === "server" || name === "set-cookie" || name === "x-request-id" || listed?.has(name)) continue;
    const v = upstream[name];
    if (v !== undefined) out.push(name, v);
  }
  out.push("x-llmlb-endpoint-id", endpointId, "x-llmlb-endpoint-name", endpointNameHeader);
  return out;
}

const USAGE_KEY = Buffer.from('"usage"');
const OPEN = 0x7b;
const CLOSE = 0x7d;
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** The `"usage":{…}` object of a JSON body, found from the end and parsed alone (the body is not parsed whole). */
function usageObject(body: Buffer): unknown {
  const key = body.lastIndexOf(USAGE_KEY);
  if (key === -1) return undefined;
  const start = body.indexOf(OPEN, key);
  if (start === -1) return undefined;
  let depth = 0;
  for (let i = start; i < body.length; i++) {
    if (body[i] === OPEN) depth++;
    else if (body[i] === CLOSE && --depth === 0) {
      try {
        return JSON.parse(body.toString("utf8", start, i + 1));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * What a whole (non-streamed) upstream answer says: whether it is an answer at all (a 2xx must be a JSON
 * object), and its usage. On the common path only the usage object is parsed; the whole body is parsed only
 * when there is no usage to read, to estimate tokens from the generated text.
 */
export function inspectBuffered(statusCode: number, contentType: string, body: Buffer): { valid: boolean; usage: Usage | null; generatedChars: number } {
  if (statusCode >= 300) return { valid: true, usage: null, generatedChars: 0 };
  let a = 0;
  let z = body.length - 1;
  while (a <= z && isSpace(body[a])) a++;
  while (z >= a && isSpace(body[z])) z--;
  if (!contentType.includes("json") || body[a] !== OPEN || body[z] !== CLOSE) return { valid: false, usage: null, generatedChars: 0 };
  const usage = readUsage({ usage: usageObject(body) });
  if (usage) return { valid: true, usage, generatedChars: 0 };
  try {
    return { valid: true, usage: null, generatedChars: generatedChars(JSON.parse(body.toString("utf8"))) };
  } catch {
    return { valid: false, usage: null, generatedChars: 0 };
  }
}

export const isEventStream = (headers: IncomingHttpHeaders) => String(headers["content-type"] ?? "").includes("text/event-stream");

export const STREAM_ERROR_EVENT = (message: string) =>
  `data: ${JSON.stringify({ error: { message, type: "server_error", param: null, code: "upstream_stream_error" } })}\n\n`;
