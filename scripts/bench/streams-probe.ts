// The concurrent-streams measure of `npm run bench -- --streams` (streams/fanout.ts) for our server builds only,
// with the chunk gap and ramp as options: an A/B of builds at N streams.
//   ulimit -n 20000; npx tsx scripts/bench/streams-probe.ts --n 5000 --seconds 60 --chunk-ms 200
//     [--server dist/server.mjs ...] [--baseline dist-base/server.mjs] [--reference 100] [--ramp-ms 10000]
//     [--per-client 2500] (streams per client process) [--node-arg=--cpu-prof ...] (flags for the servers)
//     [--env NAME=value ...] (the servers' environment, over the start scripts')
// One stamping fake upstream; each build (its own process and database) in turn holds N streams while 100
// reference streams go straight to the fake in the same seconds. Prints the table, then the JSON.
import { parseArgs } from "node:util";
import { envOptions, startFakeProcess, startLoadBalancer } from "./procs";
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
  },
});
const n = Number(values.n);
const seconds = Number(values.seconds);
const chunkMs = Number(values["chunk-ms"]);
const builds = [...(values.baseline ? [values.baseline] : []), ...(values.server ?? ["dist/server.mjs"])];

async function main() {
  const { args, frames } = streamFake(seconds, chunkMs);
  const fake = await startFakeProcess(args);
  const rows: HoldResult[] = [];
  try {
    for (const script of builds) {
      const { server, key } = await startLoadBalancer(fake, values["node-arg"], script, envOptions(values.env));
      try {
        process.stdout.write(`[streams] ${script}: ${n} streams × ${seconds} s, a chunk every ${chunkMs} ms\n`);
        const target = { label: script, url: server.url, headers: { authorization: `Bearer ${key}` } };
        rows.push(
          await holdThrough(target, {
            n,
            seconds,
            chunkMs,
            frames,
            upstream: fake.url,
            reference: Number(values.reference),
            pid: server.pid,
            rampMs: values["ramp-ms"] ? Number(values["ramp-ms"]) : undefined,
            perClient: Number(values["per-client"]),
          }),
        );
      } finally {
        await server.stop();
      }
    }
  } finally {
    await fake.stop();
  }
  process.stdout.write(`\n${streamTable(rows)}\n\n${JSON.stringify(rows)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
