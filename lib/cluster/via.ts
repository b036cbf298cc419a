// Request loops: every request this cluster forwards carries the clusters it passed through (X-LLMLB-Via). One
// that comes back to a cluster it already passed, or has passed too many, is refused instead of going round again
// (the load balancer registered as its own upstream turned one request into 257).
import crypto from "node:crypto";

/** Marks a request that passed through a load balancer: a comma-separated list of cluster ids, one per hop. */
export const VIA_HEADER = "x-llmlb-via";

/** On a loop refusal: which cluster refused (a probe recognises its own load balancer by it). */
export const CLUSTER_HEADER = "x-llmlb-cluster";

/** More load balancers in a row than any sane chain has: a loop between clusters that each passed once. */
export const MAX_HOPS = 8;
const CLUSTER_ID = /^[0-9a-f]{16}$/;

/**
 * This cluster's id in the marker: derived from the secret that every instance of one cluster shares (so a loop
 * through a sibling instance is caught too), and that reveals nothing about it.
 */
export function clusterId(secret: string): string {
  return crypto.createHash("sha256").update(`llmlb-via:${secret}`).digest("hex").slice(0, 16);
}

export type ViaDecision = { ok: true; outgoing: string } | { ok: false; hops: number };

/**
 * What to send upstream as X-LLMLB-Via, or a refusal: `incoming` is the header as the client sent it (null when
 * absent). Tokens that are not cluster ids are dropped, so a client cannot grow the header without bound.
 */
export function decideVia(incoming: string | null, self: string): ViaDecision {
  if (incoming === null) return { ok: true, outgoing: self };
  const hops: string[] = [];
  for (const t of incoming.split(",")) {
    const id = t.trim().toLowerCase();
    if (CLUSTER_ID.test(id)) hops.push(id);
  }
  if (hops.includes(self) || hops.length >= MAX_HOPS) return { ok: false, hops: hops.length };
  hops.push(self);
  return { ok: true, outgoing: hops.join(", ") };
}
