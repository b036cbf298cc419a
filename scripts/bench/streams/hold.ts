// The client of the concurrent-streams benchmark: opens `n` streaming requests to one target on plain sockets,
// ramped evenly from a shared start time, holds them to their end and records, per stream, failures by kind and
// phase, time to the first frame, each frame's transit (arrival − the fake's stamp of its write, one monotonic
// clock for every process on the machine) and the gap between reads. Runs in the client child processes
// (child.ts); the report holds histograms and counts that the parent adds up (fanout.ts).
import net from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Hist, type HistPairs } from "./hist";
import { StreamReader } from "./reader";

const LOOP_MS = 10;

export interface HoldJob {
  /** base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  headers: Record<string, string>;
  path?: string;
  model?: string;
  n: number;
  /** stamped frames a complete stream has (content, finish, [DONE]) */
  frames: number;
  /** epoch ms when the first request goes out: the clock all clients share */
  startAt: number;
  /** the requests go out evenly over this long */
  rampMs: number;
  /** a stream whose first frame came within this long of its request counts as started in time */
  startWithinMs: number;
  /** a stream whose first frame has not come by then fails; one not ended by then + `endMs` too */
  startTimeoutMs: number;
  endMs: number;
  /** how often the number of open streams is sampled */
  slotMs: number;
}

export interface HoldReport {
  n: number;
  /** streams whose first frame arrived */
  started: number;
  startedInTime: number;
  /** streams that ended with `[DONE]` after every frame */
  completed: number;
  /** why streams failed, counted */
  failures: Record<string, number>;
  /** ms after startAt of the first failure, or null */
  firstFailureMs: number | null;
  /** open streams (first frame received, not ended) every slotMs from startAt */
  open: number[];
  firstChunk: HistPairs;
  transit: HistPairs;
  /** time between two reads of a stream that brought frames */
  gap: HistPairs;
  /** this process's event-loop delay p99 (ms): when high, the figures carry the client's own lag */
  loopDelayP99Ms: number;
}

/** A streaming chat completion request as raw HTTP/1.1 bytes (`connection: close`), to write on a socket. */
export function streamRequest(url: URL, headers: Record<string, string>, model = "bench-model"): Buffer {
  const body = JSON.stringify({ model, stream: true, messages: [{ role: "user", content: "Hello!" }] });
  const head = [
    `POST ${url.pathname} HTTP/1.1`,
    `host: ${url.host}`,
    "content-type: application/json",
    `content-length: ${Buffer.byteLength(body)}`,
    "connection: close",
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return Buffer.from(`${head.join("\r\n")}\r\n\r\n${body}`);
}

export async function holdStreams(job: HoldJob): Promise<HoldReport> {
  // one prepared request: the client's own cost per frame stays small next to what it measures
  const url = new URL(job.path ?? "/v1/chat/completions", job.url);
  const request = streamRequest(url, job.headers, job.model);
  const transit = new Hist();
  const gap = new Hist();
  const firstChunk = new Hist();
  const r: HoldReport = {
    n: job.n,
    started: 0,
    startedInTime: 0,
    completed: 0,
    failures: {},
    firstFailureMs: null,
    open: [],
    firstChunk: [],
    transit: [],
    gap: [],
    loopDelayP99Ms: 0,
  };
  let open = 0;
  const loop = monitorEventLoopDelay({ resolution: LOOP_MS });
  loop.enable();
  const addStamp = (ms: number) => transit.add(ms);

  const one = () =>
    new Promise<void>((resolve) => {
      const opened = performance.now();
      const reader = new StreamReader(addStamp);
      let last = 0;
      let settled = false;
      const settle = (kind: string | null) => {
        if (settled) return;
        settled = true;
        if (kind === null) r.completed++;
        else {
          r.failures[kind] = (r.failures[kind] ?? 0) + 1;
          r.firstFailureMs ??= Date.now() - job.startAt;
        }
        if (last) open--;
        clearTimeout(startTimer);
        clearTimeout(endTimer);
        sock.destroy();
        resolve();
      };
      const startTimer = setTimeout(() => settle("not started in time"), job.startTimeoutMs);
      // a stream that stalls after it started must not hold the run forever
      const endTimer = setTimeout(() => settle("not ended in time"), job.startTimeoutMs + job.endMs);
      const sock = net.connect(Number(url.port), url.hostname, () => sock.write(request));
      const phase = () => (last ? "mid-stream" : reader.status ? "before the first chunk" : "before an answer");
      sock.on("error", (e: NodeJS.ErrnoException) => settle(`${e.code ?? e.message} ${phase()}`));
      sock.on("data", (chunk: Buffer) => {
        if (settled) return;
        const before = reader.frames;
        reader.feed(chunk, Number(process.hrtime.bigint()));
        if (reader.status && reader.status !== 200) return settle(`status ${reader.status}`);
        if (reader.frames === before) return;
        const now = performance.now();
        if (!last) {
          clearTimeout(startTimer);
          r.started++;
          if (now - opened <= job.startWithinMs) r.startedInTime++;
          firstChunk.add(now - opened);
          open++;
        } else gap.add(now - last);
        last = now;
      });
      sock.on("end", () => {
        if (!reader.done) return settle(`ended without [DONE] ${phase()}`);
        settle(reader.frames < job.frames ? "ended short" : null);
      });
    });

  const sampler = setInterval(() => {
    const slot = Math.floor((Date.now() - job.startAt) / job.slotMs);
    for (let s = r.open.length; s <= slot; s++) r.open[s] = open;
  }, job.slotMs);
  // requests go out on a schedule from startAt, whatever the event loop's delays
  const all: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(job.n, Math.floor(((Date.now() - job.startAt) / job.rampMs) * job.n) + 1);
      while (all.length < due) all.push(one());
      if (all.length < job.n) setTimeout(tick, 5);
      else resolve();
    };
    setTimeout(tick, Math.max(0, job.startAt - Date.now()));
  });
  await Promise.all(all);
  clearInterval(sampler);
  loop.disable();
  return {
    ...r,
    firstChunk: firstChunk.pairs(),
    transit: transit.pairs(),
    gap: gap.pairs(),
    loopDelayP99Ms: Math.max(0, loop.percentile(99) / 1e6 - LOOP_MS), // the histogram holds whole intervals
  };
}
