// npx tsx scripts/bench/ceiling.ts — what a proxy written in Node can reach on this machine at all: the zero-delay
// fake upstream direct, and behind the least a Node proxy can do (node:http in, one undici Pool out, nothing else;
// scripts/bench/minimal-proxy.mjs) with undici's `request` and its `dispatch` API. Plain JSON at 50 connections,
// interleaved rounds, medians; the ratios set the ceiling for the load balancer's figures in `npm run bench`.
import { cpuMs, startFakeProcess, startMinimalProxy, type Proc } from "./procs";
import { median, throughput } from "./load";

const ROUNDS = 3;
const BODY = JSON.stringify({ model: "m", messages: [{ role: "user", content: "Hello!" }] });
const fake = await startFakeProcess(["--kind", "openai", "--models", "m", "--port", "0"]);
const proxies: Array<[string, Proc | null]> = [
  ["direct", null],
  ["minimal proxy, undici request", await startMinimalProxy(fake.url, "request")],
  ["minimal proxy, undici dispatch", await startMinimalProxy(fake.url, "dispatch")],
];
const rps = new Map<string, number[]>();
const cpu = new Map<string, number[]>();
try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const [label, proc] of proxies) {
      const c0 = proc ? cpuMs(proc.pid) : 0;
      const res = await throughput(
        { label: "lb", url: proc?.url ?? fake.url, headers: {} },
        "/v1/chat/completions",
        BODY,
        50,
        5,
      );
      (rps.get(label) ?? rps.set(label, []).get(label)!).push(res.rps);
      if (proc) (cpu.get(label) ?? cpu.set(label, []).get(label)!).push(((cpuMs(proc.pid) - c0) / res.total) * 1000);
    }
  }
  const direct = median(rps.get("direct")!);
  console.table(
    proxies.map(([label]) => ({
      target: label,
      "req/s": Math.round(median(rps.get(label)!)),
      ratio: (median(rps.get(label)!) / direct).toFixed(2),
      "proxy CPU µs/request": cpu.has(label) ? Math.round(median(cpu.get(label)!)) : "—",
    })),
  );
} finally {
  await Promise.all(proxies.map(([, p]) => p?.stop()));
  await fake.stop();
}
