// npx tsx scripts/bench/compare.ts [--variant "label=--node-flag NAME=value ..."] [--script label=path/to/server.mjs] [--mode plain|stream]
//   [--rounds 5] [--seconds 4] [--minimal] [--latency] — throughput of several server variants (node flags, or another build of the
// server) against the upstream direct, interleaved round by round in one run: the A/B tool for the hot path on a
// machine whose speed swings. --minimal adds scripts/bench/minimal-proxy.mjs, the ceiling. Prints median req/s, ratio to direct and server CPU µs per request per variant (and each round's: req/s (CPU µs)).
import { parseArgs } from "node:util";
import {
  cpuMs,
  envOptions,
  splitAtEquals,
  startFakeProcess,
  startLoadBalancer,
  startMinimalProxy,
  type Proc,
} from "./procs";
import { median, percentile, sequentialLatency, throughput, type Target } from "./load";

const { values } = parseArgs({
  options: {
    variant: { type: "string", multiple: true, default: [] },
    script: { type: "string", multiple: true, default: [] },
    mode: { type: "string", default: "plain" },
    rounds: { type: "string", default: "5" },
    seconds: { type: "string", default: "4" },
    connections: { type: "string", default: "50" },
    minimal: { type: "boolean" },
    latency: { type: "boolean" },
  },
});
const BODY = JSON.stringify({
  model: "m",
  stream: values.mode === "stream",
  messages: [{ role: "user", content: "Hello!" }],
});
const PATH = "/v1/chat/completions";
const connections = Number(values.connections);

const fake = await startFakeProcess(["--kind", "openai", "--models", "m", "--chunks", "20", "--port", "0"]);
const variants: Array<{ label: string; target: Target; proc: Proc | null }> = [
  { label: "direct", target: { label: "direct", url: fake.url, headers: {} }, proc: null },
];
const specs = [
  ...(values.variant.length || values.script.length ? [] : [["baseline", "", undefined]]),
  ...values.variant.map((v) => [...splitAtEquals(v), undefined]),
  ...values.script.map((v) => {
    const [label, script] = splitAtEquals(v);
    return [label, "", script];
  }),
] as Array<[string, string, string | undefined]>;
for (const [label, flags, script] of specs) {
  const words = flags.split(" ").filter(Boolean);
  const env = envOptions(words.filter((w) => /^[A-Z_]+=/.test(w)));
  const { server, key } = await startLoadBalancer(
    fake,
    words.filter((w) => !/^[A-Z_]+=/.test(w)),
    script,
    env,
  );
  variants.push({
    label,
    target: { label: "lb", url: server.url, headers: { authorization: `Bearer ${key}` } },
    proc: server,
  });
}
if (values.minimal) {
  const proc = await startMinimalProxy(fake.url, values.mode === "stream" ? "stream" : "request");
  variants.push({ label: "minimal proxy", target: { label: "lb", url: proc.url, headers: {} }, proc });
}
if (values.latency) {
  // --latency: sequential requests on one connection instead, 1,000 a round; p50 and p99 over all rounds
  const times = new Map<string, number[]>();
  try {
    for (let r = 0; r < Number(values.rounds); r++) {
      for (const v of [variants[0], ...variants.slice(1).sort(() => Math.random() - 0.5)]) {
        (times.get(v.label) ?? times.set(v.label, []).get(v.label)!).push(
          ...(await sequentialLatency(v.target, PATH, BODY, 1000)),
        );
      }
      process.stdout.write(`round ${r + 1} done\n`);
    }
    const q = (label: string, p: number) =>
      percentile(
        [...times.get(label)!].sort((a, b) => a - b),
        p,
      );
    console.table(
      variants.map(({ label }) => ({
        variant: label,
        "p50 ms": q(label, 50).toFixed(3),
        "p99 ms": q(label, 99).toFixed(3),
        "added p50": (q(label, 50) - q("direct", 50)).toFixed(3),
        "added p99": (q(label, 99) - q("direct", 99)).toFixed(3),
      })),
    );
  } finally {
    await Promise.all(variants.map((v) => v.proc?.stop()));
    await fake.stop();
  }
  process.exit(0);
}
const rps = new Map<string, number[]>();
const cpu = new Map<string, number[]>();
const push = (m: Map<string, number[]>, k: string, v: number) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
try {
  for (const v of variants) await throughput(v.target, PATH, BODY, connections, 1); // JIT warm-up
  const ratios = new Map<string, number[]>();
  for (let r = 0; r < Number(values.rounds); r++) {
    // direct first, then the variants in a fresh order each round: none always follows another
    const order = [variants[0], ...variants.slice(1).sort(() => Math.random() - 0.5)];
    for (const v of order) {
      const c0 = v.proc ? cpuMs(v.proc.pid) : 0;
      const res = await throughput(v.target, PATH, BODY, connections, Number(values.seconds));
      if (res.errors + res.non2xx) console.warn(`${v.label}: ${res.errors + res.non2xx} errors`);
      push(rps, v.label, res.rps);
      if (v.proc) push(cpu, v.label, ((cpuMs(v.proc.pid) - c0) / res.total) * 1000);
    }
    for (const v of variants.slice(1)) push(ratios, v.label, rps.get(v.label)!.at(-1)! / rps.get("direct")!.at(-1)!);
    process.stdout.write(
      `round ${r + 1}: ${variants
        .map(
          (v) =>
            `${v.label} ${Math.round(rps.get(v.label)!.at(-1)!)}` +
            (cpu.has(v.label) ? ` (${Math.round(cpu.get(v.label)!.at(-1)!)} µs)` : ""),
        )
        .join(", ")}\n`,
    );
  }
  const direct = median(rps.get("direct")!);
  console.table(
    variants.map(({ label }) => ({
      variant: label,
      "req/s": Math.round(median(rps.get(label)!)),
      "ratio of medians": (median(rps.get(label)!) / direct).toFixed(3),
      "median round ratio": ratios.has(label) ? median(ratios.get(label)!).toFixed(3) : "—",
      "CPU µs/request": cpu.has(label) ? Math.round(median(cpu.get(label)!)) : "—",
    })),
  );
} finally {
  await Promise.all(variants.map((v) => v.proc?.stop()));
  await fake.stop();
}
