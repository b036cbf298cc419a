import "server-only";
import { Agent, request, type Dispatcher } from "undici";
import { env } from "../env";
import { englishMessage } from "../i18n/localize";
import { CLUSTER_HEADER, VIA_HEADER, clusterId } from "../cluster/via";

/** What a management call to an upstream came to: an answer with JSON, a bad answer, or no answer at all. */
export type UpstreamResult =
  | { kind: "ok"; status: number; headers: Headers; json: unknown; latencyMs: number }
  | { kind: "bad"; status: number; headers: Headers | null; error: string; latencyMs: number; loop?: true }
  | { kind: "unreachable"; error: string; latencyMs: number };

/** A failure to get any answer, in words a person acts on (what happened, what to do); the English catalogue text. */
export function describeFailure(err: unknown, url: URL, timeoutMs: number): string {
  const e = err as (Error & { code?: string; cause?: { code?: string } }) | null;
  const code = e?.code ?? e?.cause?.code ?? "";
  const host = url.hostname;
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const at = { host, port };
  if (
    e?.name === "TimeoutError" ||
    e?.name === "AbortError" ||
    code === "UND_ERR_ABORTED" ||
    code === "UND_ERR_CONNECT_TIMEOUT" ||
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT" ||
    code === "ETIMEDOUT"
  )
    return englishMessage("err_timed_out", { ...at, secs: Math.round(timeoutMs / 100) / 10 });
  if (code === "ECONNREFUSED") return englishMessage("err_connection_refused", at);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME")
    return englishMessage("err_host_not_found", { host });
  if (
    code === "ECONNRESET" ||
    code === "UND_ERR_SOCKET" ||
    code === "EPIPE" ||
    code === "HPE_INVALID_CONSTANT" ||
    code.startsWith("HPE_")
  )
    return englishMessage("err_connection_reset", at);
  if (
    code.startsWith("ERR_TLS") ||
    code.startsWith("ERR_SSL") ||
    code === "EPROTO" ||
    /certificate|ssl|tls/i.test(e?.message ?? "")
  )
    return englishMessage("err_tls_failed", at);
  return englishMessage("err_network", { ...at, detail: code || (e?.message ?? String(err)) });
}

/**
 * The management calls' agent. Every call sets its own header and body timeouts (the call's `timeoutMs`); the
 * agent's own values are explicit too, so that no undici default (300 s) remains anywhere.
 */
export const MANAGEMENT_AGENT_OPTIONS = {
  headersTimeout: 30_000,
  bodyTimeout: 30_000,
  connect: { timeout: 10_000 },
} as const;
let agent: Agent | null = null;

let ownCluster: string | null = null;
const cluster = () => (ownCluster ??= clusterId(env().LLMLB_SECRET));

/** The error of a call that reached this load balancer itself (it refused the request as a loop). */
export const SELF_ERROR = englishMessage("err_self");

const MiB = 1024 * 1024;
/** The most a model list (`/v1/models`, `/api/tags`) may weigh: ~40,000 entries. */
export const LIST_LIMIT = 8 * MiB;
/** The most any other management answer (metadata, health, detection, download) may weigh. */
export const METADATA_LIMIT = 1 * MiB;

class TooLarge extends Error {}

/**
 * The body as text, at most `max` bytes: an answer declared larger is refused unread, one that grows past the cap
 * is cut there. A 300 MiB model list once took the control thread seconds and its heap to 670 MiB.
 */
async function readCapped(res: Dispatcher.ResponseData, max: number): Promise<string> {
  const declared = Number(res.headers["content-length"] ?? NaN);
  if (declared > max) {
    discard(res.body);
    throw new TooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > max) {
      discard(res.body);
      throw new TooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

/** Drops an answer's body unread (its abort error is expected, not a failure). */
function discard(body: Dispatcher.ResponseData["body"]): void {
  body.on("error", () => undefined);
  body.destroy();
}

function toHeaders(raw: Dispatcher.ResponseData["headers"]): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) h.append(k, one);
  }
  return h;
}

/**
 * One JSON request to an endpoint, with its key as Bearer, bounded by `timeoutMs` and by `maxBytes` of answer
 * (default METADATA_LIMIT; model lists pass LIST_LIMIT). Never throws. With `text` the answer's text is `json`, unparsed
 * (Prometheus exposition). Sent with undici's own client, not fetch: fetch refuses the WHATWG "bad ports" (6000,
 * 6665–6669, 10080, …), where real inference servers do listen.
 */
export async function upstreamJson(
  baseUrl: string,
  path: string,
  opts: {
    apiKey?: string | null;
    method?: "GET" | "POST";
    body?: unknown;
    timeoutMs: number;
    maxBytes?: number;
    signal?: AbortSignal;
    text?: true;
  },
): Promise<UpstreamResult> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  // marked like a proxied request: this load balancer (or another instance of it) refuses it as a loop
  const headers: Record<string, string> = { accept: "application/json", [VIA_HEADER]: cluster() };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const maxBytes = opts.maxBytes ?? METADATA_LIMIT;
  const url = new URL(baseUrl + path);
  const shown = url.pathname; // what a message names: the path, never a key or a query
  let res: Dispatcher.ResponseData | undefined;
  let text: string;
  try {
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    agent ??= new Agent(MANAGEMENT_AGENT_OPTIONS);
    res = await request(url, {
      method: opts.method ?? "GET",
      headers,
      body,
      signal,
      dispatcher: agent,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
    const status = res.statusCode;
    if (status < 200 || status >= 300) {
      discard(res.body); // the status is the answer: its body is not read
      const answered = toHeaders(res.headers);
      if (status === 508 && answered.get(CLUSTER_HEADER) === cluster()) {
        return { kind: "bad", status, headers: answered, error: SELF_ERROR, latencyMs: elapsed(), loop: true };
      }
      const key = status === 401 || status === 403 ? "err_auth_rejected" : "err_http_status";
      return {
        kind: "bad",
        status,
        headers: answered,
        error: englishMessage(key, { path: shown, status }),
        latencyMs: elapsed(),
      };
    }
    text = await readCapped(res, maxBytes);
  } catch (err) {
    if (err instanceof TooLarge && res) {
      return {
        kind: "bad",
        status: res.statusCode,
        headers: toHeaders(res.headers),
        error: englishMessage("err_too_large", { path: shown, mib: maxBytes / MiB }),
        latencyMs: elapsed(),
      };
    }
    return { kind: "unreachable", error: describeFailure(err, url, opts.timeoutMs), latencyMs: elapsed() };
  }
  if (opts.text)
    return { kind: "ok", status: res.statusCode, headers: toHeaders(res.headers), json: text, latencyMs: elapsed() };
  try {
    return {
      kind: "ok",
      status: res.statusCode,
      headers: toHeaders(res.headers),
      json: JSON.parse(text),
      latencyMs: elapsed(),
    };
  } catch {
    return {
      kind: "bad",
      status: res.statusCode,
      headers: toHeaders(res.headers),
      error: englishMessage("err_not_json", { path: shown }),
      latencyMs: elapsed(),
    };
  }
}
