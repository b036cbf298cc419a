import "server-only";
import { Pool, type Dispatcher } from "undici";

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
        pool = new Pool(origin, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connect: { timeout: 5_000 } });
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
