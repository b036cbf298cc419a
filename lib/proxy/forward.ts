import "server-only";
import type { Dispatcher } from "undici";
// The pool alone, not undici's index, which also loads fetch, WebSocket, the mock agents and the HTTP cache: ~3 MB of
// the /v1 thread's heap it never uses (process.memoryUsage after each import: +4.95 against +1.88 MB).
import Pool from "undici/lib/dispatcher/pool.js";
import { ENDPOINT_LIMITS } from "../db/constants";

/**
 * The pools' options. No cap on connections per origin: a request the balancer admitted is sent at once, so an
 * upstream sees every request routed to it (a cap here would hold streams in the pool unseen, with no timeout and
 * no 429). An endpoint's own capacity is its `max_concurrency`, enforced by the admission queue (./queue.ts).
 * The timeouts: every attempt sets its own (./exchange.ts: the endpoint's inference timeout, or its model-load
 * timeout for headers); these only replace undici's 300 s defaults, at the longest wait allowed.
 */
export const POOL_OPTIONS = {
  connections: null,
  pipelining: 1,
  keepAliveTimeout: 30_000,
  keepAliveMaxTimeout: 600_000,
  connect: { timeout: 5_000 },
  headersTimeout: ENDPOINT_LIMITS.modelLoadTimeoutMax * 1000,
  bodyTimeout: ENDPOINT_LIMITS.modelLoadTimeoutMax * 1000,
} as const;

/** Where an attempt's request is dispatched: one keep-alive pool per upstream origin. */
export interface UpstreamPools {
  for(origin: string): Dispatcher;
  close(): Promise<void>;
}

/** undici pools, one per origin, created on first use. */
export function upstreamPools(): UpstreamPools {
  const pools = new Map<string, Pool>();
  return {
    for(origin) {
      let pool = pools.get(origin);
      if (!pool) {
        pool = new Pool(origin, POOL_OPTIONS);
        pools.set(origin, pool);
      }
      return pool;
    },
    async close() {
      await Promise.all([...pools.values()].map((p) => p.close().catch(() => undefined)));
      pools.clear();
    },
  };
}
