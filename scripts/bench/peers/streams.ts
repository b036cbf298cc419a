// npm run bench -- --streams [N] [--stream-seconds S]: N concurrent streaming requests (default 5,000, each S = 60 s
// long, a chunk every 200 ms from the fake) through each target in turn, ramped over a few seconds by client child
// processes (scripts/bench/peers/stream-client.ts) with no cap on sockets. Per target: failures by kind, streams
// started in time, the gap between chunks beyond the fake's 200 ms (p50/p99, against the direct run's), RSS idle →
// peak and per open stream, and the most streams open at once before the first failure.
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { sequentialLatency } from "../load";
import { ROOT, startFakeProcess } from "../procs";
import type { StreamJob, StreamReport } from "./stream-client";
import { startTargets, type PeerTarget } from "./targets";
import { fileLimit, log, treeRssMb } from "./system";

const GAP_MS = 200;
const PER_CLIENT = 2500;
const SLOT_MS = 250;
const MODEL = "bench-model";
const PATH = "/v1/chat/completions";

export interface StreamRow {
  target: string;
  n: number;
  seconds: number;
  failures: Record<string, number>;
  failed: number;
  completed: number;
  startedInTime: number;
  startWithinS: number;
  /** Gap between two chunks of a stream minus the fake's 200 ms, ms. */
  addedGap: { p50: number; p99: number } | null;
  rss: { idleMb: number; peakMb: number; kbPerStream: number | null } | null;
  /** Most streams open at once (all clients summed) before the first failure, or over the run without one. */
  held: number;
  /** Most streams open at once over the whole run. */
  peakHeld: number;
}

function client(job: StreamJob): Promise<StreamReport> {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", path.join(import.meta.dirname, "stream-client.ts"), JSON.stringify(job)],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  proc.stdout.on("data", (d) => (out += d));
  return new Promise((resolve, reject) =>
    proc.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out) as StreamReport) : reject(new Error(`stream client exited ${code}`)),
    ),
  );
}

const quantile = (hist: Map<number, number>, p: number) => {
  const total = [...hist.values()].reduce((a, b) => a + b, 0);
  let seen = 0;
  for (const [bucket, c] of [...hist.entries()].sort((a, b) => a[0] - b[0])) {
    seen += c;
    if (seen >= (p / 100) * total) return bucket / 10;
  }
  return NaN;
};

async function measure(t: PeerTarget, n: number, seconds: number, frames: number): Promise<StreamRow> {
  const plain = JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "Hello!" }] });
  await sequentialLatency(t.target, PATH, plain, 200); // warm-up
  await new Promise((r) => setTimeout(r, 1000));
  const idleMb = t.proc ? treeRssMb(t.proc.pid) : 0;
  // ~500 new streams a second: faster, a Node fake's accept queue (backlog 511) overflows on this 2-core machine
  const rampMs = Math.max(2000, 2 * n);
  const startWithinMs = 10_000;
  const startAt = Date.now() + 1500;
  // room for streams slowed down by the machine: a late stream is measured (its gaps), not cut short
  const deadline = startAt + rampMs + 2 * seconds * 1000 + 20_000;
  const clients = Math.ceil(n / PER_CLIENT);
  const body = JSON.stringify({ model: MODEL, stream: true, messages: [{ role: "user", content: "Hello!" }] });
  let peakMb = idleMb;
  const sampler = setInterval(() => t.proc && (peakMb = Math.max(peakMb, treeRssMb(t.proc.pid))), 1000);
  log(
    `${t.name}: ${n} streams × ${seconds} s, ${clients} client process(es)${t.proc ? `, RSS idle ${idleMb} MB` : ""}`,
  );
  const reports = await Promise.all(
    Array.from({ length: clients }, (_, i) =>
      client({
        url: t.target.url,
        path: PATH,
        headers: t.target.headers,
        body,
        n: Math.floor(n / clients) + (i < n % clients ? 1 : 0),
        startAt,
        rampMs,
        startWithinMs,
        frames,
        deadline,
        slotMs: SLOT_MS,
      }),
    ),
  ).finally(() => clearInterval(sampler));
  const hist = new Map<number, number>();
  const failures: Record<string, number> = {};
  for (const r of reports) {
    for (const [b, c] of r.gaps) hist.set(b, (hist.get(b) ?? 0) + c);
    for (const [k, c] of Object.entries(r.failures)) failures[k] = (failures[k] ?? 0) + c;
  }
  const firstFailure = Math.min(...reports.map((r) => r.firstFailureMs ?? Infinity));
  const slots = Math.max(...reports.map((r) => r.open.length));
  let held = 0;
  let peakHeld = 0;
  for (let s = 0; s < slots; s++) {
    const open = reports.reduce((acc, r) => acc + (r.open[s] ?? 0), 0);
    peakHeld = Math.max(peakHeld, open);
    if (s * SLOT_MS < firstFailure) held = Math.max(held, open);
  }
  const sum = (f: (r: StreamReport) => number) => reports.reduce((a, r) => a + f(r), 0);
  return {
    target: t.name,
    n,
    seconds,
    failures,
    failed: Object.values(failures).reduce((a, b) => a + b, 0),
    completed: sum((r) => r.completed),
    startedInTime: sum((r) => r.startedInTime),
    startWithinS: startWithinMs / 1000,
    addedGap: hist.size ? { p50: quantile(hist, 50) - GAP_MS, p99: quantile(hist, 99) - GAP_MS } : null,
    rss: t.proc ? { idleMb, peakMb, kbPerStream: held ? Math.round(((peakMb - idleMb) * 1024) / held) : null } : null,
    held,
    peakHeld,
  };
}

export async function runStreams(n: number, seconds: number): Promise<StreamRow[]> {
  const limit = fileLimit();
  log(`open-file limit: soft ${limit.soft}, hard ${limit.hard} (each proxied stream needs 2 in the proxy)`);
  if (limit.soft < n * 2 + 1000)
    log(`WARNING: ${n} streams need an open-file limit of about ${n * 2 + 1000}: run \`ulimit -n 65536\` first`);
  const chunks = Math.max(1, Math.round((seconds * 1000) / GAP_MS) - 2); // + the finish frame and [DONE]
  const fake = await startFakeProcess([
    ...["--kind", "openai", "--models", MODEL, "--port", "0", "--backlog", "4096"],
    ...["--chunks", String(chunks), "--chunk-delay-ms", String(GAP_MS)],
  ]);
  // max_concurrency is unset on the registered endpoint (unlimited), so the admission queue never holds a stream
  const targets = await startTargets(fake);
  const rows: StreamRow[] = [];
  try {
    for (const t of targets.list) {
      const row = await measure(t, n, seconds, chunks + 2);
      rows.push(row);
      log(`${t.name}: ${JSON.stringify(row)}`);
    }
  } finally {
    await targets.stop();
    await fake.stop();
  }
  for (const s of targets.skipped) log(`left out: ${s.name} (${s.reason})`);
  return rows;
}

export function streamTable(rows: StreamRow[]): string {
  const direct = rows.find((r) => r.target === "direct")?.addedGap;
  const lines = [
    `| target | streams × s | failed (by kind) | started within ${rows[0]?.startWithinS ?? 10} s | completed | added gap between chunks p50 / p99 | RSS idle → peak | RSS per open stream (peak − idle) ÷ most held | most held at once / before the first failure |`,
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const kinds = Object.entries(r.failures)
      .map(([k, c]) => `${k} ${c}`)
      .join(", ");
    const gap = r.addedGap
      ? `${r.addedGap.p50.toFixed(1)} / ${r.addedGap.p99.toFixed(1)} ms${direct && r.target !== "direct" ? ` (direct ${direct.p50.toFixed(1)} / ${direct.p99.toFixed(1)})` : ""}`
      : "—";
    const rss = r.rss ? `${r.rss.idleMb} → ${r.rss.peakMb} MB` : "—";
    const per = r.rss?.kbPerStream != null ? `${r.rss.kbPerStream} KB` : "—";
    lines.push(
      `| ${r.target} | ${r.n} × ${r.seconds} | ${r.failed}${kinds ? ` (${kinds})` : ""} | ${r.startedInTime} | ${r.completed} | ${gap} | ${rss} | ${per} | ${r.peakHeld} / ${r.held} |`,
    );
  }
  return lines.join("\n");
}

export const machine = () => `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, node ${process.version}`;
