import "server-only";
import { Pool, errors, type Dispatcher } from "undici";
import { slot } from "../runtime";
import type { RouteEndpoint } from "./routing-table";
import type { ClientSignal } from "./client-signal";

/** One keep-alive pool per upstream origin. */
const pools = () => slot("upstreamPools", () => new Map<string, Pool>());

export function poolFor(origin: string): Pool {
  const map = pools();
  let pool = map.get(origin);
  if (!pool) {
    pool = new Pool(origin, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connect: { timeout: 5_000 } });
    map.set(origin, pool);
  }
  return pool;
}

export async function closePools(): Promise<void> {
  await Promise.all([...pools().values()].map((p) => p.close().catch(() => undefined)));
  pools().clear();
}

export type Attempt =
  | { kind: "response"; sentAt: number; data: Dispatcher.ResponseData }
  | { kind: "failed"; reason: "connect" | "timeout" | "aborted"; error: string };

/** One try against one endpoint; never throws. `inference_timeout_secs` bounds headers and each body gap. */
export async function sendUpstream(
  ep: RouteEndpoint,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
  signal: ClientSignal,
): Promise<Attempt> {
  const sentAt = performance.now();
  try {
    const data = await poolFor(ep.origin).request({
      path: ep.basePath + path,
      method: "POST",
      headers,
      body,
      signal,
      headersTimeout: ep.timeoutMs,
      bodyTimeout: ep.timeoutMs,
    });
    return { kind: "response", sentAt, data };
  } catch (err) {
    if (signal.aborted) return { kind: "failed", reason: "aborted", error: "client went away" };
    if (err instanceof errors.HeadersTimeoutError) return { kind: "failed", reason: "timeout", error: "timed out waiting for the upstream" };
    return { kind: "failed", reason: "connect", error: err instanceof Error ? `${err.name}: ${(err as Error & { code?: string }).code ?? err.message}` : String(err) };
  }
}

/** Reads a whole upstream body (used for non-streamed answers and for failed attempts). */
export async function collect(body: Dispatcher.ResponseData["body"]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}
