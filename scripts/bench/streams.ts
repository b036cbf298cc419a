// Concurrent long streams: open N streaming requests against one target at once and hold them to their end,
// measuring failures, how long each chunk took to arrive (the fake stamps every chunk with its write time,
// `--stamp-chunks`), the gaps between chunks, and the serving process's RSS and CPU while they are open.
import net from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { cpuMs, rssMb } from "./procs";

export interface StreamTarget {
  label: string;
  /** base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  headers: Record<string, string>;
}

export interface HoldOptions {
  /** concurrent streams */
  n: number;
  /** the length of each stream and the gap between its chunks, as the fake was started (streamFakeArgs) */
  seconds: number;
  chunkMs: number;
  /** the streams are opened evenly over this time (default: 1 ms per stream, at least 1 s) */
  rampMs?: number;
  /** the process serving the target: its RSS is sampled and its CPU counted (omit for the direct upstream) */
  pid?: number;
  model?: string;
  path?: string;
  /** a stream whose first chunk has not arrived by then fails (default 30 s) */
  startTimeoutMs?: number;
  /** the user message is padded to about this many bytes (a long prompt), default a few */
  promptBytes?: number;
  /** the client closes each stream after this long (a warm-up); such streams count as completed */
  stopAfterMs?: number;
}

export interface Dist {
  p50: number;
  p99: number;
  max: number;
}

export interface HoldResult {
  label: string;
  n: number;
  /** streams whose first chunk arrived */
  started: number;
  /** streams that ended with `[DONE]` after every chunk */
  completed: number;
  failures: number;
  /** why streams failed, counted */
  failureKinds: Record<string, number>;
  /** the most streams open at once before the first failure (all of them when none failed) */
  heldBeforeFirstFailure: number;
  /** time from opening a stream to its first chunk (ms) */
  firstChunkMs: Dist;
  /** each chunk's time from the fake's write to its arrival here (ms) */
  transitMs: Dist;
  /** each gap between two chunks of a stream beyond `chunkMs` (ms) */
  gapMs: Dist;
  chunks: number;
  /** this (client) process's event-loop delay while holding: when high, the figures above carry its own lag */
  clientLoopDelayP99Ms: number;
  wallMs: number;
  /** the serving process, with `pid`: RSS before the streams, at its peak, and CPU over the hold */
  server: null | {
    idleRssMb: number;
    peakRssMb: number;
    /** RSS beyond idle at its peak, per stream at the most open at once */
    kbPerStream: number;
    cpuMs: number;
    cpuUsPerChunk: number;
  };
}

/** The fake upstream's arguments (e2e/fakes/cli.ts) for streams of `seconds`, a stamped chunk every `chunkMs`. */
export const streamFakeArgs = (o: { seconds: number; chunkMs: number; model?: string }) => [
  "--kind",
  "openai",
  "--models",
  o.model ?? "bench-model",
  "--chunks",
  String(Math.max(1, Math.round((o.seconds * 1000) / o.chunkMs))),
  "--chunk-delay-ms",
  String(o.chunkMs),
  "--stamp-chunks",
];

const STAMP = Buffer.from(": t=");
const DONE = Buffer.from("data: [DONE]");
const LF = 0x0a;

function dist(xs: Float64Array, count: number): Dist {
  if (!count) return { p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const s = xs.subarray(0, count).sort();
  const at = (p: number) => s[Math.min(count - 1, Math.floor((p / 100) * count))];
  return { p50: at(50), p99: at(99), max: s[count - 1] };
}

/** A growing list of samples without an allocation per sample. */
class Samples {
  xs = new Float64Array(1 << 16);
  count = 0;
  add(x: number): void {
    if (this.count === this.xs.length) {
      const next = new Float64Array(this.xs.length * 2);
      next.set(this.xs);
      this.xs = next;
    }
    this.xs[this.count++] = x;
  }
  dist = () => dist(this.xs, this.count);
}

/** Opens `n` streams against `target`, holds them to their end and reports (see HoldResult). */
export async function holdStreams(target: StreamTarget, o: HoldOptions): Promise<HoldResult> {
  const expected = Math.max(1, Math.round((o.seconds * 1000) / o.chunkMs));
  const rampMs = o.rampMs ?? Math.max(1000, o.n);
  const startTimeoutMs = o.startTimeoutMs ?? 30_000;
  const body = JSON.stringify({
    model: o.model ?? "bench-model",
    stream: true,
    messages: [{ role: "user", content: `Hello!${" lorem".repeat(Math.max(0, ((o.promptBytes ?? 0) - 6) / 6))}` }],
  });
  // plain sockets and one prepared request: the client's own cost per chunk stays small next to what it measures
  const url = new URL(o.path ?? "/v1/chat/completions", target.url);
  const head = [
    `POST ${url.pathname} HTTP/1.1`,
    `host: ${url.host}`,
    "content-type: application/json",
    `content-length: ${Buffer.byteLength(body)}`,
    "connection: close",
    ...Object.entries(target.headers).map(([k, v]) => `${k}: ${v}`),
  ];
  const request = Buffer.from(`${head.join("\r\n")}\r\n\r\n${body}`);
  const transit = new Samples();
  const gaps = new Samples();
  const firstChunk = new Samples();
  const failureKinds: Record<string, number> = {};
  let started = 0;
  let completed = 0;
  let failures = 0;
  let open = 0;
  let maxOpen = 0;
  let heldBeforeFirstFailure = -1;
  let chunks = 0;
  let peakRss = 0;
  const idleRssMb = o.pid ? rssMb(o.pid) : 0;
  const cpu0 = o.pid ? cpuMs(o.pid) : 0;
  const sampler = o.pid ? setInterval(() => (peakRss = Math.max(peakRss, rssMb(o.pid!))), 250) : null;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const t0 = performance.now();

  const one = () =>
    new Promise<void>((resolve) => {
      const opened = performance.now();
      let stamps = 0;
      let done = false;
      let last = 0;
      let settled = false;
      const fail = (kind: string) => {
        if (settled) return;
        settled = true;
        failures++;
        failureKinds[kind] = (failureKinds[kind] ?? 0) + 1;
        if (heldBeforeFirstFailure < 0) heldBeforeFirstFailure = maxOpen;
        if (last) open--;
        clearTimeout(startTimer);
        clearTimeout(endTimer);
        sock.destroy();
        resolve();
      };
      const startTimer = setTimeout(() => fail("not started in time"), startTimeoutMs);
      // a stream that stalls after it started must not hold the run forever
      const endTimer = setTimeout(() => fail("not ended in time"), startTimeoutMs + 2 * o.seconds * 1000);
      const stop = () => {
        if (settled) return;
        settled = true;
        clearTimeout(startTimer);
        clearTimeout(endTimer);
        completed++;
        if (last) open--;
        sock.destroy();
        resolve();
      };
      if (o.stopAfterMs !== undefined) setTimeout(stop, o.stopAfterMs).unref();
      let answered = false;
      const sock = net.connect(Number(url.port), url.hostname, () => sock.write(request));
      sock.on("error", (e: NodeJS.ErrnoException) =>
        fail(
          `${e.code ?? e.message} ${last ? "mid-stream" : answered ? "before the first chunk" : "before an answer"}`,
        ),
      );
      sock.on("data", (chunk: Buffer) => {
        if (settled) return;
        if (!answered) {
          answered = true;
          // "HTTP/1.1 200 "
          if (chunk.toString("latin1", 9, 12) !== "200") return fail(`status ${chunk.toString("latin1", 9, 12)}`);
        }
        const now = performance.now();
        const ns = Number(process.hrtime.bigint());
        for (let i = chunk.indexOf(STAMP); i !== -1; i = chunk.indexOf(STAMP, i + STAMP.length)) {
          const end = chunk.indexOf(LF, i);
          // a stamp cut between two reads is not counted (rare; its chunk still counts for the stream's end)
          if (end === -1) break;
          transit.add((ns - Number(chunk.toString("latin1", i + STAMP.length, end))) / 1e6);
          stamps++;
          chunks++;
        }
        if (!last) {
          clearTimeout(startTimer);
          started++;
          firstChunk.add(now - opened);
          if (++open > maxOpen) maxOpen = open;
        } else gaps.add(now - last - o.chunkMs);
        last = now;
        if (!done && chunk.includes(DONE)) done = true;
      });
      sock.on("end", () => {
        if (settled) return;
        if (!done) return fail("ended without [DONE]");
        // a stamp cut between reads goes uncounted: allow for a few
        if (stamps < expected - 2) return fail("ended short");
        stop();
      });
    });

  const all: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const stepMs = 10;
    const perStep = Math.max(1, Math.ceil((o.n * stepMs) / rampMs));
    const step = () => {
      for (let k = 0; k < perStep && all.length < o.n; k++) all.push(one());
      if (all.length < o.n) setTimeout(step, stepMs);
      else resolve();
    };
    step();
  });
  await Promise.all(all);
  const wallMs = performance.now() - t0;
  loop.disable();
  if (sampler) clearInterval(sampler);
  const cpu = o.pid ? cpuMs(o.pid) - cpu0 : 0;
  return {
    label: target.label,
    n: o.n,
    started,
    completed,
    failures,
    failureKinds,
    heldBeforeFirstFailure: heldBeforeFirstFailure < 0 ? maxOpen : heldBeforeFirstFailure,
    firstChunkMs: firstChunk.dist(),
    transitMs: transit.dist(),
    gapMs: gaps.dist(),
    chunks,
    clientLoopDelayP99Ms: loop.percentile(99) / 1e6,
    wallMs,
    server: o.pid
      ? {
          idleRssMb,
          peakRssMb: peakRss,
          kbPerStream: maxOpen ? ((peakRss - idleRssMb) * 1024) / maxOpen : 0,
          cpuMs: cpu,
          cpuUsPerChunk: chunks ? (cpu * 1000) / chunks : 0,
        }
      : null,
  };
}

/** What `through` adds to each chunk's way over `direct`, measured in the same conditions (ms). */
export const addedDelay = (through: HoldResult, direct: HoldResult) => ({
  p50: through.transitMs.p50 - direct.transitMs.p50,
  p99: through.transitMs.p99 - direct.transitMs.p99,
});
