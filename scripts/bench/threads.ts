// npx tsx scripts/bench/threads.ts label=path/to/server.mjs [label=path ...] [--rounds 3] [--seconds 4] [--no-minimal]
//   — server CPU per proxied plain request split by thread and by user / system time (Linux /proc/PID/task),
// several builds and the minimal proxy interleaved round by round at 50 connections. "main" is the /v1 thread;
// "node" is every other thread of that name: the control thread and V8's platform threads (compiler, GC).
import fs from "node:fs";
import { parseArgs } from "node:util";
import { startFakeProcess, startLoadBalancer, startMinimalProxy, type Proc } from "./procs";
import { median, throughput, type Target } from "./load";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "4" },
    "no-minimal": { type: "boolean" },
  },
});

type Split = Record<string, [user: number, system: number]>;

/** utime and stime (ms) per thread name: main, node (the other Node/V8 threads), other. */
function threads(pid: number): Split {
  const out: Split = {};
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const name = tid === String(pid) ? "main" : comm === "node" ? "node" : "other";
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const [u, s] = out[name] ?? [0, 0];
      out[name] = [u + Number(f[11]) * 10, s + Number(f[12]) * 10]; // CLK_TCK 100
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

const PATH = "/v1/chat/completions";
const BODY = JSON.stringify({ model: "m", stream: false, messages: [{ role: "user", content: "Hello!" }] });
const fake = await startFakeProcess(["--kind", "openai", "--models", "m", "--chunks", "20", "--port", "0"]);
const targets: Array<{ label: string; proc: Proc; target: Target }> = [];
for (const spec of positionals) {
  const [label, script] = [spec.slice(0, spec.indexOf("=")), spec.slice(spec.indexOf("=") + 1)];
  const { server, key } = await startLoadBalancer(fake, [], script);
  targets.push({
    label,
    proc: server,
    target: { label: "lb", url: server.url, headers: { authorization: `Bearer ${key}` } },
  });
}
if (!values["no-minimal"]) {
  const proc = await startMinimalProxy(fake.url, "dispatch");
  targets.push({ label: "minimal", proc, target: { label: "lb", url: proc.url, headers: {} } });
}
const totals = new Map<string, number[]>();
try {
  for (const t of targets) await throughput(t.target, PATH, BODY, 50, 3); // JIT warm-up
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const t of [...targets].sort(() => Math.random() - 0.5)) {
      const a = threads(t.proc.pid);
      const res = await throughput(t.target, PATH, BODY, 50, Number(values.seconds));
      const b = threads(t.proc.pid);
      if (res.errors + res.non2xx) console.warn(`${t.label}: ${res.errors + res.non2xx} errors`);
      const per = Object.entries(b).map(([name, [u, s]]) => {
        const [u0, s0] = a[name] ?? [0, 0];
        return [name, ((u - u0) * 1000) / res.total, ((s - s0) * 1000) / res.total] as const;
      });
      const total = per.reduce((sum, [, u, s]) => sum + u + s, 0);
      (totals.get(t.label) ?? totals.set(t.label, []).get(t.label)!).push(total);
      const parts = per
        .filter(([, u, s]) => u + s >= 0.5)
        .map(([name, u, s]) => `${name} user ${u.toFixed(0)} sys ${s.toFixed(0)}`);
      console.log(
        `round ${r + 1} ${t.label}: ${Math.round(res.rps)} req/s, ${total.toFixed(0)} µs/request (${parts.join(", ")})`,
      );
    }
  }
  for (const [label, xs] of totals) console.log(`median ${label}: ${median(xs).toFixed(0)} µs/request`);
} finally {
  await Promise.all(targets.map((t) => t.proc.stop()));
  await fake.stop();
}
