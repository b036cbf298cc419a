// Concurrent long streams through one target, measured from client child processes (child.ts, one per 2,500
// streams by default, so that one client's event loop is not the bottleneck), each also holding its share of reference
// streams straight to the upstream in the same seconds. The children's histograms and counts are added up here;
// "added" is the target's frame transit minus the reference streams' (same run, same machine load). The serving
// process tree's RSS (idle, peak) and CPU are read from /proc meanwhile.
import { spawn } from "node:child_process";
import path from "node:path";
import { sequentialLatency, type Target } from "../load";
import { ROOT } from "../procs";
import { treeCpuMs, treeRssMb } from "../peers/system";
import type { ChildJob, ChildReport } from "./child";
import { Hist, type Dist } from "./hist";
import type { HoldJob, HoldReport } from "./hold";

const SLOT_MS = 250;
const MODEL = "bench-model";
export const PATH = "/v1/chat/completions";
/** A plain (not streamed) request to the stream fake: the warm-up's, and the load's of stream-heap.ts */
export const PLAIN = JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "Hello!" }] });

/** The fake upstream's arguments (e2e/fakes/cli.ts) for streams of `seconds`, a stamped frame every `chunkMs`. */
export function streamFake(seconds: number, chunkMs: number) {
  const frames = Math.max(3, Math.round((seconds * 1000) / chunkMs));
  const args = [
    ...["--kind", "openai", "--models", MODEL, "--port", "0", "--backlog", "4096", "--stamp-chunks"],
    ...["--chunks", String(frames - 2), "--chunk-delay-ms", String(chunkMs)], // + the finish frame and [DONE]
  ];
  return { args, frames };
}

export interface HoldOptions {
  n: number;
  seconds: number;
  chunkMs: number;
  /** stamped frames per stream (streamFake) */
  frames: number;
  /** the upstream's URL: the reference streams go there */
  upstream: string;
  /** reference streams straight to the upstream, held alongside (default 100) */
  reference?: number;
  /** the process (with its descendants) serving the target; null for the upstream itself */
  pid: number | null;
  /** default: 500 new streams a second (a Node fake's accept queue overflows faster on 2 cores), at least 2 s */
  rampMs?: number;
  startWithinMs?: number;
  startTimeoutMs?: number;
  /** streams per client process (default 2,500) */
  perClient?: number;
}

export interface HoldResult {
  target: string;
  n: number;
  seconds: number;
  chunkMs: number;
  started: number;
  startedInTime: number;
  startWithinS: number;
  completed: number;
  failed: number;
  /** failures by kind and phase */
  failures: Record<string, number>;
  /** most streams open at once (all clients summed) before the first failure, or over the run without one */
  held: number;
  peakHeld: number;
  firstChunkMs: Dist;
  /** each frame's arrival − its write at the fake */
  transitMs: Dist;
  /** the gap between reads of a stream beyond chunkMs */
  addedGapMs: Dist;
  reference: { n: number; failed: number; transitMs: Dist; addedGapMs: Dist };
  /** transit minus the reference streams' transit, p50 / p99 */
  addedMs: { p50: number; p99: number };
  /** the clients' event-loop delay p99, worst child: when high, the figures carry the client's own lag */
  clientLoopP99Ms: number;
  server: null | {
    idleRssMb: number;
    peakRssMb: number;
    /** (peak − idle) ÷ most streams held at once */
    kbPerStream: number | null;
    cpuMs: number;
    cpuUsPerFrame: number | null;
  };
}

function child(job: ChildJob): Promise<ChildReport> {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", path.join(import.meta.dirname, "child.ts"), JSON.stringify(job)],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  proc.stdout.on("data", (d) => (out += d));
  return new Promise((resolve, reject) =>
    proc.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out) as ChildReport) : reject(new Error(`stream client exited ${code}`)),
    ),
  );
}

const ms3 = (x: number) => Math.round(x * 1000) / 1000;
const share = (n: number, parts: number, i: number) => Math.floor(n / parts) + (i < n % parts ? 1 : 0);
const sumFailures = (rs: HoldReport[]) => {
  const out: Record<string, number> = {};
  for (const r of rs) for (const [k, c] of Object.entries(r.failures)) out[k] = (out[k] ?? 0) + c;
  return out;
};
const hist = (rs: HoldReport[], key: "firstChunk" | "transit" | "gap") =>
  rs.reduce((h, r) => h.merge(r[key]), new Hist());

/** Most streams open at once over the run, and before the first failure, from the clients' summed samples. */
function held(rs: HoldReport[]) {
  const firstFailure = Math.min(...rs.map((r) => r.firstFailureMs ?? Infinity));
  const slots = Math.max(...rs.map((r) => r.open.length));
  let before = 0;
  let peak = 0;
  for (let s = 0; s < slots; s++) {
    const open = rs.reduce((acc, r) => acc + (r.open[s] ?? 0), 0);
    peak = Math.max(peak, open);
    if (s * SLOT_MS < firstFailure) before = Math.max(before, open);
  }
  return { before, peak };
}

/** Holds `o.n` streams through `target` (and the reference streams beside them), after a warm-up. */
export async function holdThrough(target: Target, o: HoldOptions): Promise<HoldResult> {
  await sequentialLatency(target, PATH, PLAIN, 200); // warm-up
  await new Promise((r) => setTimeout(r, 1000));
  const idleRssMb = o.pid ? treeRssMb(o.pid) : 0;
  const cpu0 = o.pid ? treeCpuMs(o.pid) : 0;
  let peakRssMb = idleRssMb;
  const sampler = setInterval(() => o.pid && (peakRssMb = Math.max(peakRssMb, treeRssMb(o.pid))), 1000);
  const clients = Math.ceil(o.n / (o.perClient ?? 2500));
  const reference = o.reference ?? 100;
  const base: Omit<HoldJob, "url" | "headers" | "n"> = {
    path: PATH,
    model: MODEL,
    frames: o.frames,
    startAt: Date.now() + 1500,
    rampMs: o.rampMs ?? Math.max(2000, 2 * o.n),
    startWithinMs: o.startWithinMs ?? 10_000,
    startTimeoutMs: o.startTimeoutMs ?? 30_000,
    endMs: 2 * o.seconds * 1000,
    slotMs: SLOT_MS,
  };
  const reports = await Promise.all(
    Array.from({ length: clients }, (_, i) =>
      child({
        target: { ...base, url: target.url, headers: target.headers, n: share(o.n, clients, i) },
        reference: { ...base, url: o.upstream, headers: {}, n: share(reference, clients, i) },
      }),
    ),
  ).finally(() => clearInterval(sampler));
  const cpuMs = o.pid ? treeCpuMs(o.pid) - cpu0 : 0;
  const rs = reports.map((r) => r.target);
  const refs = reports.map((r) => r.reference);
  const failures = sumFailures(rs);
  const count = (f: (r: HoldReport) => number) => rs.reduce((a, r) => a + f(r), 0);
  const transit = hist(rs, "transit");
  const refTransit = hist(refs, "transit").dist();
  const { before, peak } = held(rs);
  const transitMs = transit.dist();
  return {
    target: target.label,
    n: o.n,
    seconds: o.seconds,
    chunkMs: o.chunkMs,
    started: count((r) => r.started),
    startedInTime: count((r) => r.startedInTime),
    startWithinS: base.startWithinMs / 1000,
    completed: count((r) => r.completed),
    failed: Object.values(failures).reduce((a, b) => a + b, 0),
    failures,
    held: before,
    peakHeld: peak,
    firstChunkMs: hist(rs, "firstChunk").dist(),
    transitMs,
    addedGapMs: hist(rs, "gap").dist(o.chunkMs),
    reference: {
      n: reference,
      failed: Object.values(sumFailures(refs)).reduce((a, b) => a + b, 0),
      transitMs: refTransit,
      addedGapMs: hist(refs, "gap").dist(o.chunkMs),
    },
    addedMs: { p50: ms3(transitMs.p50 - refTransit.p50), p99: ms3(transitMs.p99 - refTransit.p99) },
    clientLoopP99Ms: ms3(Math.max(...reports.flatMap((r) => [r.target.loopDelayP99Ms, r.reference.loopDelayP99Ms]))),
    server: o.pid
      ? {
          idleRssMb,
          peakRssMb,
          kbPerStream: before ? Math.round(((peakRssMb - idleRssMb) * 1024) / before) : null,
          cpuMs,
          cpuUsPerFrame: transit.total ? Math.round((cpuMs * 1000 * 10) / transit.total) / 10 : null,
        }
      : null,
  };
}
