// npx tsx scripts/bench/tail.ts [path/to/server.mjs] [--requests 3000] — what the server adds to the tail at one
// connection: sequential requests against a server started with --trace-gc; prints the client's percentiles, the
// garbage collections during them, each thread's CPU, and the server's own view of the same requests (the request
// log's duration_ms: arrival to finish, the upstream included).
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "libsql";
import { cpuMsByThread, startFakeProcess, startLoadBalancer } from "./procs";
import { percentile, sequentialLatency } from "./load";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { requests: { type: "string", default: "3000" } },
});
const n = Number(values.requests);
const fake = await startFakeProcess(["--kind", "openai", "--models", "m", "--chunks", "20", "--port", "0"]);
const { server, key } = await startLoadBalancer(fake, ["--trace-gc"], positionals[0]);
let gcOutput = "";
server.proc.stdout!.on("data", (d) => (gcOutput += d));
const target = { label: "lb" as const, url: server.url, headers: { authorization: `Bearer ${key}` } };
const body = JSON.stringify({ model: "m", stream: false, messages: [{ role: "user", content: "Hello!" }] });
const ms = (x: number) => x.toFixed(3);
try {
  await sequentialLatency(target, "/v1/chat/completions", body, 500); // warm-up
  gcOutput = "";
  const cpu0 = cpuMsByThread(server.pid);
  const times = (await sequentialLatency(target, "/v1/chat/completions", body, n)).sort((a, b) => a - b);
  const cpu1 = cpuMsByThread(server.pid);
  await new Promise((r) => setTimeout(r, 600)); // the request log's last flush
  const gcs = gcOutput.split("\n").filter((l) => /Scavenge|Mark-Compact|Mark-Sweep/i.test(l));
  const pauses = gcs.map((l) => Number(/([\d.]+) \/ [\d.]+ ms/.exec(l)?.[1] ?? 0));
  console.log(
    `client: p50 ${ms(percentile(times, 50))} p90 ${ms(percentile(times, 90))} p99 ${ms(percentile(times, 99))} max ${ms(times.at(-1)!)} ms over ${n}`,
  );
  console.log(
    `GC during them: ${gcs.length} (${gcs.filter((l) => l.includes("Scavenge")).length} scavenges), pause max ${ms(Math.max(0, ...pauses))} ms, sum ${ms(pauses.reduce((a, b) => a + b, 0))} ms`,
  );
  console.log(
    `CPU ms by thread: ${Object.entries(cpu1)
      .map(([name, v]) => `${name} ${(v - (cpu0[name] ?? 0)).toFixed(0)}`)
      .join(", ")}`,
  );
} finally {
  await server.stop();
  await fake.stop();
}
const db = new Database(path.join(server.dataDir!, "llmlb.db"), { readonly: true });
const rows = db.prepare("SELECT duration_ms AS d FROM request_log ORDER BY id DESC LIMIT ?").all(n) as Array<{
  d: number;
}>;
const d = rows.map((r) => r.d).sort((a, b) => a - b);
console.log(
  `server (request log duration_ms): p50 ${percentile(d, 50)} p90 ${percentile(d, 90)} p99 ${percentile(d, 99)} max ${d.at(-1)} ms over ${d.length}`,
);
db.close();
