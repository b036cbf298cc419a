// npx tsx scripts/bench/idle-memory.ts [path/to/server.mjs] [--idle 90] [--every 15] [--node-arg=--flag ...] [--env NAME=value ...] — where the server's RSS goes:
// at start, after a warm-up (8 s plain and 4 s stream at 50 connections, a few dashboard and /api requests) and
// every `--every` seconds of `--idle` without traffic (V8 gives memory back 30–75 s after the traffic stops).
// The server runs as `npm run serve` runs it (scripts/launch.ts). Each thread's V8 heap from /metrics
// (llmlb_heap_bytes), the rest from /proc/PID/smaps_rollup (file-backed: the node binary and libraries; anonymous: heaps, malloc, stacks).
import { parseArgs } from "node:util";
import { envOptions, heapBytes, rssMb, smapsRollup, startFakeProcess, startLoadBalancer } from "./procs";
import { throughput } from "./load";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    idle: { type: "string", default: "90" },
    every: { type: "string", default: "15" },
    "node-arg": { type: "string", multiple: true, default: [] },
    env: { type: "string", multiple: true, default: [] },
  },
});
const env = envOptions(values.env);
const fake = await startFakeProcess(["--kind", "openai", "--models", "m", "--chunks", "20", "--port", "0"]);
const { server, key } = await startLoadBalancer(fake, values["node-arg"], positionals[0], env);
const mb = (bytes: number) => (bytes / 1048576).toFixed(1);

async function report(when: string) {
  const heap = await heapBytes(server.url);
  const bytes = smapsRollup(server.pid);
  const heaps = heap("main", "total") + heap("control", "total");
  console.log(
    `${when}: RSS ${rssMb(server.pid)} MB = file-backed ${mb(bytes("Rss") - bytes("Anonymous"))} + anonymous ${mb(bytes("Anonymous"))}` +
      ` (main heap ${mb(heap("main", "total"))} committed / ${mb(heap("main", "used"))} used,` +
      ` control heap ${mb(heap("control", "total"))} / ${mb(heap("control", "used"))},` +
      ` rest ${mb(bytes("Anonymous") - heaps)})`,
  );
}

try {
  await report("start");
  const target = { label: "lb" as const, url: server.url, headers: { authorization: `Bearer ${key}` } };
  const body = (stream: boolean) =>
    JSON.stringify({ model: "m", stream, messages: [{ role: "user", content: "Hello!" }] });
  await throughput(target, "/v1/chat/completions", body(false), 50, 8);
  await throughput(target, "/v1/chat/completions", body(true), 50, 4);
  for (const p of ["/dashboard", "/api/endpoints", "/login", "/api/requests"])
    await fetch(server.url + p, { headers: { authorization: "Bearer sk_debug" } })
      .then((r) => r.arrayBuffer())
      .catch(() => undefined);
  await report("after warm-up");
  for (let s = 0; s < Number(values.idle); ) {
    const step = Math.min(Number(values.every), Number(values.idle) - s);
    await new Promise((r) => setTimeout(r, step * 1000));
    s += step;
    await report(`idle ${s} s`);
  }
} finally {
  await server.stop();
  await fake.stop();
}
