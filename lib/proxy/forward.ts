import "server-only";
import { Pool } from "undici";
import { slot } from "../runtime";

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
