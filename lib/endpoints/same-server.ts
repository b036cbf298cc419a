import "server-only";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { Db } from "../db/client";
import { endpoints } from "../db/schema";

export interface ServerAddress {
  protocol: string;
  port: string;
  /** resolved addresses; every loopback address counts as one ("loopback") */
  hosts: string[];
}

const isLoopback = (a: string) => a === "::1" || a.startsWith("127.") || a === "::ffff:127.0.0.1";
const norm = (a: string) => (isLoopback(a) ? "loopback" : a.toLowerCase());

/** Pure: two addresses reach the same server when scheme and port match and they share a resolved host. */
export function sameServer(a: ServerAddress, b: ServerAddress): boolean {
  return a.protocol === b.protocol && a.port === b.port && a.hosts.some((h) => b.hosts.includes(h));
}

/** Where a base URL goes: its resolved addresses (bounded; an unresolvable name is itself). */
export async function resolveServer(baseUrl: string, timeoutMs = 500): Promise<ServerAddress> {
  const u = new URL(baseUrl);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const port = u.port || (u.protocol === "https:" ? "443" : "80");
  let hosts = [norm(host)];
  if (host === "localhost") hosts = ["loopback"];
  else if (!isIP(host)) {
    const timer = new Promise<null>((r) => setTimeout(() => r(null), timeoutMs).unref());
    const found = await Promise.race([lookup(host, { all: true }).catch(() => null), timer]);
    if (found?.length) hosts = [...new Set(found.map((f) => norm(f.address)))];
  }
  return { protocol: u.protocol, port, hosts };
}

/**
 * The registered endpoint that `baseUrl` reaches under another name (localhost vs 127.0.0.1, a DNS alias), or
 * null. Registering it twice would count the server twice in routing: the dashboard warns.
 */
export async function findSameServer({ db, baseUrl, exceptId }: { db: Db; baseUrl: string; exceptId?: string }) {
  const rows = await db.select({ id: endpoints.id, name: endpoints.name, baseUrl: endpoints.baseUrl }).from(endpoints);
  const others = rows.filter((r) => r.id !== exceptId && r.baseUrl !== baseUrl);
  if (!others.length) return null;
  const mine = await resolveServer(baseUrl);
  const theirs = await Promise.all(others.map(async (r) => ({ r, addr: await resolveServer(r.baseUrl) })));
  const hit = theirs.find((t) => sameServer(mine, t.addr));
  return hit ? { id: hit.r.id, name: hit.r.name, base_url: hit.r.baseUrl } : null;
}
