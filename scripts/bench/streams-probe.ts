// The concurrent-streams measure of `npm run bench -- --streams` (streams/fanout.ts) for our server builds only,
// with the chunk gap and ramp as options: an A/B of builds at N streams.
//   ulimit -n 20000; npx tsx scripts/bench/streams-probe.ts --n 5000 --seconds 60 --chunk-ms 200
//     [--server dist/server.mjs ...] [--baseline dist-base/server.mjs] [--reference 100] [--ramp-ms 10000]
//     [--per-client 2500] (streams per client process) [--node-arg=--cpu-prof ...] (flags for the servers)
//     [--env NAME=value ...] (the servers' environment, over the start scripts')
//     [--instances K] (each build as K processes at once, N/K streams each: the data plane on K cores)
//     [--minimal] (also the bare Node proxy, scripts/bench/minimal-proxy.mjs: Node's floor on this machine)
// One stamping fake upstream; each build (its own process and database) in turn holds N streams while 100
// reference streams go straight to the fake in the same seconds. Prints the table, then the JSON.
import { parseArgs } from "node:util";
import { envOptions, startFakeProcess, startLoadBalancer, startMinimalProxy, type Proc } from "./procs";
import { streamTable } from "./peers/streams";
import { holdThrough, streamFake, type HoldResult } from "./streams/fanout";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "1000" },
    seconds: { type: "string", default: "20" },
    "chunk-ms": { type: "string", default: "200" },
    "ramp-ms": { type: "string" },
    server: { type: "string", multiple: true },
    baseline: { type: "string" },
    reference: { type: "string", default: "100" },
    "per-client": { type: "string", default: "2500" },
    "node-arg": { type: "string", multiple: true, default: [] },
    env: { type: "string", multiple: true, default: [] },
    instances: { type: "string", default: "1" },
    minimal: { type: "boolean" },
  },
});
const n = Number(values.n);
const seconds = Number(values.seconds);
const chunkMs = Number(values["chunk-ms"]);
const builds = [...(values.baseline ? [values.baseline] : []), ...(values.server ?? ["dist/server.mjs"])];
const instances = Number(values.instances);

/** A target to hold streams through: its URL, what a request carries, its process. */
type Serving = { label: string; server: Proc; headers: Record<string, string> };

async function main() {
  const { args, frames } = streamFake(seconds, chunkMs);
  const fake = await startFakeProcess(args);
  const rows: HoldResult[] = [];
  // `instances` targets hold their share of the streams at once, each measured as its own process
  const hold = async (targets: Serving[]) => {
    process.stdout.write(`[streams] ${targets[0].label}: ${n} streams × ${seconds} s, a chunk every ${chunkMs} ms\n`);
    const held = await Promise.all(
      targets.map((t, i) =>
        holdThrough(
          { label: targets.length > 1 ? `${t.label} #${i + 1}` : t.label, url: t.server.url, headers: t.headers },
          {
            n: Math.round(n / targets.length),
            seconds,
            chunkMs,
            frames,
            upstream: fake.url,
            reference: Math.round(Number(values.reference) / targets.length),
            pid: t.server.pid,
            rampMs: values["ramp-ms"] ? Number(values["ramp-ms"]) : undefined,
            perClient: Number(values["per-client"]),
          },
        ),
      ),
    );
    rows.push(...held);
    await Promise.all(targets.map((t) => t.server.stop()));
  };
  // every process started, stopped after its turn, or at the end when a turn failed
  const started: Proc[] = [];
  const startMany = async (start: () => Promise<Serving>) => {
    const targets: Serving[] = [];
    for (let i = 0; i < instances; i++) {
      const t = await start();
      started.push(t.server);
      targets.push(t);
    }
    return targets;
  };
  try {
    for (const script of builds) {
      const targets = await startMany(async () => {
        const { server, key } = await startLoadBalancer(fake, values["node-arg"], script, envOptions(values.env));
        return { label: script, server, headers: { authorization: `Bearer ${key}` } };
      });
      await hold(targets);
    }
    if (values.minimal)
      await hold(
        await startMany(async () => ({
          label: "bare Node proxy",
          server: await startMinimalProxy(fake.url, "stream"),
          headers: {},
        })),
      );
  } finally {
    await Promise.all(started.map((p) => p.stop().catch(() => undefined)));
    await fake.stop();
  }
  process.stdout.write(`\n${streamTable(rows)}\n\n${JSON.stringify(rows)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
