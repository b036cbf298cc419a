// A quick probe of concurrent long streams (the benchmark's own --streams mode is the official figure):
//   ulimit -n 20000; npx tsx scripts/bench/streams-probe.ts --n 5000 --seconds 60 --chunk-ms 200
//     [--server dist/server.mjs] [--baseline dist-base/server.mjs] [--reference 100] [--ramp-ms 5000]
// Starts one stamping fake upstream, then, for each server build given (its own process, its own database), one
// after the other: holds N streams through it and, at the same time, `--reference` streams straight to the fake.
// What the build adds to a chunk's transit is read against those reference streams, measured in the same seconds
// on the same (shared, noisy) machine. Prints one row per build plus its reference, then the JSON.
import { parseArgs } from "node:util";
import { startFakeProcess, startLoadBalancer, type Proc } from "./procs";
import { addedDelay, holdStreams, streamFakeArgs, type HoldResult, type StreamTarget } from "./streams";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "1000" },
    seconds: { type: "string", default: "20" },
    "chunk-ms": { type: "string", default: "200" },
    "ramp-ms": { type: "string" },
    server: { type: "string", multiple: true },
    baseline: { type: "string" },
    reference: { type: "string", default: "100" },
  },
});
const n = Number(values.n);
const seconds = Number(values.seconds);
const chunkMs = Number(values["chunk-ms"]);
const rampMs = values["ramp-ms"] ? Number(values["ramp-ms"]) : undefined;
const log = (m: string) => process.stdout.write(`[streams] ${m}\n`);
const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "—");

const builds = [
  ...(values.baseline ? [["baseline", values.baseline]] : []),
  ...(values.server ?? ["dist/server.mjs"]).map((s) => [s === "dist/server.mjs" ? "lb" : s, s]),
];

async function main() {
  const fake = await startFakeProcess(streamFakeArgs({ seconds, chunkMs }));
  const results: Array<{ through: HoldResult; reference: HoldResult }> = [];
  const opts = { n, seconds, chunkMs, rampMs };
  const reference = Number(values.reference);
  const direct: StreamTarget = { label: "direct", url: fake.url, headers: {} };
  try {
    for (const [label, script] of builds) {
      let server: Proc | null = null;
      try {
        const lb = await startLoadBalancer(fake, [], script);
        server = lb.server;
        const target: StreamTarget = { label, url: server.url, headers: { authorization: `Bearer ${lb.key}` } };
        log(`${label} (${script}): warm-up`);
        await holdStreams(target, { n: 100, seconds, chunkMs, rampMs: 500, stopAfterMs: 3000 });
        await new Promise((r) => setTimeout(r, 2000));
        log(`${label}: ${n} streams × ${seconds} s, a chunk every ${chunkMs} ms, and ${reference} direct`);
        const [through, ref] = await Promise.all([
          holdStreams(target, { ...opts, pid: server.pid }),
          holdStreams({ ...direct, label: `direct (with ${label})` }, { ...opts, n: reference }),
        ]);
        results.push({ through, reference: ref });
      } finally {
        await server?.stop();
      }
    }
  } finally {
    await fake.stop();
  }
  console.table(
    results
      .flatMap(({ through, reference }) => [through, reference])
      .map((r, i, all) => {
        const added = i % 2 === 0 ? addedDelay(r, all[i + 1]) : null;
        return {
          target: r.label,
          streams: r.n,
          started: r.started,
          failures: r.failures,
          "held before 1st failure": r.heldBeforeFirstFailure,
          "1st chunk p99 ms": f(r.firstChunkMs.p99),
          "transit p50/p99 ms": `${f(r.transitMs.p50, 2)} / ${f(r.transitMs.p99, 2)}`,
          "added p50/p99 ms": added ? `${f(added.p50, 2)} / ${f(added.p99, 2)}` : "",
          "gap p99 ms": f(r.gapMs.p99, 2),
          "RSS idle→peak MB": r.server ? `${r.server.idleRssMb} → ${r.server.peakRssMb}` : "",
          "KB/stream": r.server ? f(r.server.kbPerStream) : "",
          "CPU µs/chunk": r.server ? f(r.server.cpuUsPerChunk) : "",
          "client loop p99 ms": f(r.clientLoopDelayP99Ms),
        };
      }),
  );
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
