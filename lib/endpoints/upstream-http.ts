import "server-only";

/** What a management call to an upstream came to: an answer with JSON, a bad answer, or no answer at all. */
export type UpstreamResult =
  | { kind: "ok"; status: number; headers: Headers; json: unknown; latencyMs: number }
  | { kind: "bad"; status: number; headers: Headers | null; error: string; latencyMs: number }
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

/** One JSON request to an endpoint, with its key as Bearer, bounded by `timeoutMs`. Never throws. */
export async function upstreamJson(
  baseUrl: string,
  path: string,
  opts: { apiKey?: string | null; method?: "GET" | "POST"; body?: unknown; timeoutMs: number },
): Promise<UpstreamResult> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  const headers: Record<string, string> = { accept: "application/json" };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  let text: string;
  try {
    const signal = AbortSignal.timeout(opts.timeoutMs);
    res = await fetch(baseUrl + path, { method: opts.method ?? "GET", headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal, redirect: "manual" });
    text = await res.text();
  } catch (err) {
    return { kind: "unreachable", error: describeFailure(err), latencyMs: elapsed() };
  }
  if (res.status < 200 || res.status >= 300) {
    const reason = res.status === 401 || res.status === 403 ? "authentication rejected" : "unexpected status";
    return { kind: "bad", status: res.status, headers: res.headers, error: `${reason} (HTTP ${res.status})`, latencyMs: elapsed() };
  }
  try {
    return { kind: "ok", status: res.status, headers: res.headers, json: JSON.parse(text), latencyMs: elapsed() };
  } catch {
    return { kind: "bad", status: res.status, headers: res.headers, error: "answer is not JSON", latencyMs: elapsed() };
  }
}
