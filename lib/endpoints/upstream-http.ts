import "server-only";
import { env } from "../env";
import { CLUSTER_HEADER, VIA_HEADER, clusterId } from "../cluster/via";

/** What a management call to an upstream came to: an answer with JSON, a bad answer, or no answer at all. */
export type UpstreamResult =
  | { kind: "ok"; status: number; headers: Headers; json: unknown; latencyMs: number }
  | { kind: "bad"; status: number; headers: Headers | null; error: string; latencyMs: number; loop?: true }
  | { kind: "unreachable"; error: string; latencyMs: number };

function describeFailure(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === "TimeoutError" || err.name === "AbortError") return "timed out";
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return `connection failed (${cause.code})`;
    return err.message;
  }
  return String(err);
}

let ownCluster: string | null = null;
const cluster = () => (ownCluster ??= clusterId(env().LLMLB_SECRET));

/** The error of a call that reached this load balancer itself (it refused the request as a loop). */
export const SELF_ERROR = "this address is this load balancer itself";

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
async function readCapped(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw new TooLarge();
  }
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new TooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

/**
 * One JSON request to an endpoint, with its key as Bearer, bounded by `timeoutMs` and by `maxBytes` of answer
 * (default METADATA_LIMIT; model lists pass LIST_LIMIT). Never throws. With `text` the answer's text is `json`, unparsed
 * (Prometheus exposition).
 */
export async function upstreamJson(
  baseUrl: string,
  path: string,
  opts: { apiKey?: string | null; method?: "GET" | "POST"; body?: unknown; timeoutMs: number; maxBytes?: number; signal?: AbortSignal; text?: true },
): Promise<UpstreamResult> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  // marked like a proxied request: this load balancer (or another instance of it) refuses it as a loop
  const headers: Record<string, string> = { accept: "application/json", [VIA_HEADER]: cluster() };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const maxBytes = opts.maxBytes ?? METADATA_LIMIT;
  let res: Response;
  let text: string;
  try {
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
    res = await fetch(baseUrl + path, { method: opts.method ?? "GET", headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal, redirect: "manual" });
    if (res.status < 200 || res.status >= 300) {
      await res.body?.cancel().catch(() => undefined); // the status is the answer: its body is not read
      if (res.status === 508 && res.headers.get(CLUSTER_HEADER) === cluster()) {
        return { kind: "bad", status: res.status, headers: res.headers, error: SELF_ERROR, latencyMs: elapsed(), loop: true };
      }
      const reason = res.status === 401 || res.status === 403 ? "authentication rejected" : "unexpected status";
      return { kind: "bad", status: res.status, headers: res.headers, error: `${reason} (HTTP ${res.status})`, latencyMs: elapsed() };
    }
    text = await readCapped(res, maxBytes);
  } catch (err) {
    if (err instanceof TooLarge) {
      return { kind: "bad", status: res!.status, headers: res!.headers, error: `answer too large (more than ${maxBytes / MiB} MiB)`, latencyMs: elapsed() };
    }
    return { kind: "unreachable", error: describeFailure(err), latencyMs: elapsed() };
  }
  if (opts.text) return { kind: "ok", status: res.status, headers: res.headers, json: text, latencyMs: elapsed() };
  try {
    return { kind: "ok", status: res.status, headers: res.headers, json: JSON.parse(text), latencyMs: elapsed() };
  } catch {
    return { kind: "bad", status: res.status, headers: res.headers, error: "answer is not JSON", latencyMs: elapsed() };
  }
}
