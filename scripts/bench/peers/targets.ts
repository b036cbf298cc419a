// The targets the peer benchmark compares, each proxying the same fake upstream: the fake direct, nginx, HAProxy,
// the Portkey gateway, the bare Node proxy (scripts/bench/minimal-proxy.mjs: node:http and undici relaying chunk by
// chunk, nothing else, the floor of any Node proxy on the machine) and this load balancer (all features on, a real
// client key). A peer that cannot be started is left out with the reason, never replaced by anything else.
import { spawnSync } from "node:child_process";
import { startLoadBalancer, startMinimalProxy, type Proc } from "../procs";
import type { Target } from "../load";
import { startHaproxy } from "./haproxy";
import { startNginx } from "./nginx";
import { startPortkey, PORTKEY_VERSION } from "./portkey";
import { log } from "./system";

export interface PeerTarget {
  name: string;
  target: Target;
  /** The process(es) measured for CPU and RSS (with descendants); null for the upstream direct. */
  proc: Proc | null;
}

export interface Targets {
  list: PeerTarget[];
  skipped: Array<{ name: string; reason: string }>;
  stop(): Promise<void>;
}

const version = (bin: string, args: string[], re: RegExp) => {
  const r = spawnSync(bin, args, { encoding: "utf8" });
  return re.exec(`${r.stdout}${r.stderr}`)?.[1] ?? "";
};

export async function startTargets(fake: Proc, lbEnv: Record<string, string> = {}): Promise<Targets> {
  const list: PeerTarget[] = [{ name: "direct", target: { label: "direct", url: fake.url, headers: {} }, proc: null }];
  const skipped: Targets["skipped"] = [];
  const add = (name: string, proc: Proc, headers: Record<string, string> = {}) =>
    list.push({ name, target: { label: name, url: proc.url, headers }, proc });
  const attempt = async (name: string, start: () => Promise<void>) => {
    try {
      await start();
    } catch (err) {
      log(`${name} did not start: ${(err as Error).message.split("\n")[0]}`);
      skipped.push({ name, reason: (err as Error).message.split("\n")[0] });
    }
  };
  await attempt("nginx", async () => {
    const p = await startNginx(fake.url);
    if (!p) throw new Error("nginx is not installed");
    add(`nginx ${version(p.proc.spawnfile, ["-v"], /nginx\/(\S+)/)}`.trim(), p);
  });
  await attempt("HAProxy", async () => {
    const p = await startHaproxy(fake.url);
    if (!p) throw new Error("haproxy is not installed");
    add(`HAProxy ${version(p.proc.spawnfile, ["-v"], /version (\S+)/)}`.trim(), p);
  });
  await attempt("Portkey", async () => {
    const p = await startPortkey(fake.url);
    if (!p) throw new Error("the Portkey gateway is not installed");
    add(`Portkey gateway ${PORTKEY_VERSION}`, p.proc, p.headers);
  });
  await attempt("bare Node proxy", async () => {
    add("bare Node proxy (node:http + undici)", await startMinimalProxy(fake.url, "stream"));
  });
  const { server, key } = await startLoadBalancer(fake, [], undefined, lbEnv);
  add("this load balancer", server, { authorization: `Bearer ${key}` });
  return {
    list,
    skipped,
    stop: async () => {
      await Promise.all(list.map((t) => t.proc?.stop()));
    },
  };
}
