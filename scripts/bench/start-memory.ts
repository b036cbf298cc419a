// npx tsx scripts/bench/start-memory.ts [--starts 20] [--env NAME=value ...] [--node-arg=--flag ...] — the spread of the
// server's memory right after start (one endpoint and key registered through /api, as every bench does), start
// after start: RSS, anonymous memory and glibc's main heap (`[heap]` in /proc/PID/smaps, the brk arena). Some
// starts come up with ~30 MB more in `[heap]` than the others (docs/benchmarks.md, seventh session); this counts
// how often under a given environment.
import fs from "node:fs";
import { parseArgs } from "node:util";
import { envOptions, smapsRollup, startFakeProcess, startLoadBalancer } from "./procs";
import { median } from "./load";

const { values } = parseArgs({
  options: {
    starts: { type: "string", default: "20" },
    env: { type: "string", multiple: true, default: [] },
    "node-arg": { type: "string", multiple: true, default: [] },
  },
});
const env = envOptions(values.env);
const mb = (bytes: number) => Math.round(bytes / 104857.6) / 10;

/** RSS, anonymous and the main heap's resident anonymous memory of a process, in MB. */
function memory(pid: number): { rss: number; anonymous: number; brkHeap: number } {
  const bytes = smapsRollup(pid);
  const smaps = fs.readFileSync(`/proc/${pid}/smaps`, "utf8");
  const heapKb = Number(/\[heap\]\n(?:.*\n)*?Anonymous:\s+(\d+)/.exec(smaps)?.[1] ?? 0);
  return { rss: mb(bytes("Rss")), anonymous: mb(bytes("Anonymous")), brkHeap: mb(heapKb * 1024) };
}

const fake = await startFakeProcess(["--kind", "openai", "--models", "m", "--chunks", "20", "--port", "0"]);
const rows: Array<ReturnType<typeof memory>> = [];
try {
  for (let i = 0; i < Number(values.starts); i++) {
    const { server } = await startLoadBalancer(fake, values["node-arg"], undefined, env);
    try {
      const m = memory(server.pid);
      rows.push(m);
      console.log(`start ${i + 1}: RSS ${m.rss} MB, anonymous ${m.anonymous} MB, [heap] ${m.brkHeap} MB`);
    } finally {
      await server.stop();
    }
  }
} finally {
  await fake.stop();
}
const heaps = rows.map((r) => r.brkHeap);
const typical = median(heaps);
console.log(
  `${rows.length} starts${values.env.length ? ` with ${values.env.join(" ")}` : ""}: RSS median ${median(rows.map((r) => r.rss))} MB` +
    ` (${Math.min(...rows.map((r) => r.rss))}–${Math.max(...rows.map((r) => r.rss))}); [heap] median ${typical} MB,` +
    ` ${heaps.filter((h) => h > typical + 10).length} start(s) with over 10 MB more`,
);
