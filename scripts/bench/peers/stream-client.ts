// A child process of the --streams benchmark: opens `n` streaming requests to one target, ramped evenly, with no
// cap on sockets (an http.Agent without maxSockets), and measures per data event only what it must: the gap since
// the stream's previous frame (into a 0.1 ms histogram), frames counted, the end checked for [DONE]. Prints one
// JSON line at the end. Argument: the StreamJob as JSON.
import http from "node:http";

export interface StreamJob {
  url: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  n: number;
  /** Epoch ms when the first request goes out; the clock all children share. */
  startAt: number;
  rampMs: number;
  /** A stream counts as started in time when its first frame arrives within this long of its request. */
  startWithinMs: number;
  /** Frames a complete stream has at least (content, finish, [DONE]). */
  frames: number;
  /** Epoch ms after which unfinished streams are ended and counted as failed. */
  deadline: number;
  /** How often the number of open streams is sampled. */
  slotMs: number;
}

export interface StreamReport {
  /** Gaps between frames of one stream, 0.1 ms buckets: [bucket, count] where count > 0. */
  gaps: Array<[number, number]>;
  started: number;
  startedInTime: number;
  completed: number;
  failures: Record<string, number>;
  /** ms after startAt of the first failure (not counting streams cut at the deadline), or null. */
  firstFailureMs: number | null;
  /** Open streams (first frame received, not ended) sampled every slotMs from startAt. */
  open: number[];
}

const BUCKETS = 200_000; // 20 s in 0.1 ms buckets
const DATA = "data: ";

function run(job: StreamJob): Promise<StreamReport> {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const gaps = new Uint32Array(BUCKETS + 1);
  const report: StreamReport = {
    gaps: [],
    started: 0,
    startedInTime: 0,
    completed: 0,
    failures: {},
    firstFailureMs: null,
    open: [],
  };
  let open = 0;
  let settled = 0;
  // each open request, with how to end it at the deadline
  const live = new Map<http.ClientRequest, () => void>();
  const fail = (kind: string, atDeadline = false) => {
    report.failures[kind] = (report.failures[kind] ?? 0) + 1;
    if (!atDeadline && report.firstFailureMs === null) report.firstFailureMs = Date.now() - job.startAt;
  };
  const body = Buffer.from(job.body);
  return new Promise((resolve) => {
    const done = () => {
      if (++settled < job.n) return;
      clearInterval(sampler);
      clearTimeout(deadline);
      report.gaps = [...gaps.entries()].filter(([, c]) => c > 0);
      resolve(report);
    };
    const one = () => {
      const sentAt = performance.now();
      let frames = 0;
      let last = 0;
      let carry = "";
      let ended = false;
      let responded = false;
      const end = (kind: string | null, atDeadline = false) => {
        if (ended) return;
        ended = true;
        live.delete(req);
        if (frames > 0) open--;
        if (kind) fail(kind, atDeadline);
        else report.completed++;
        done();
      };
      const req = http.request(`${job.url}${job.path}`, {
        method: "POST",
        agent,
        headers: { ...job.headers, "content-type": "application/json", "content-length": body.length },
      });
      live.set(req, () => {
        end(frames ? "unfinished at the deadline" : "not started by the deadline", true);
        req.destroy();
      });
      req.on("response", (res) => {
        responded = true;
        if (res.statusCode !== 200) {
          res.resume();
          return end(`status ${res.statusCode}`);
        }
        res.on("data", (buf: Buffer) => {
          const text = carry + buf.toString("latin1");
          let k = 0;
          for (let i = text.indexOf(DATA); i !== -1; i = text.indexOf(DATA, i + DATA.length)) k++;
          carry = text.slice(-16);
          if (k === 0) return; // a keep-alive comment
          const now = performance.now();
          if (frames === 0) {
            open++;
            report.started++;
            if (now - sentAt <= job.startWithinMs) report.startedInTime++;
          } else gaps[Math.min(BUCKETS, Math.round((now - last) * 10))]++;
          last = now;
          frames += k;
        });
        res.once("end", () =>
          end(frames >= job.frames && carry.trimEnd().endsWith("data: [DONE]") ? null : "cut short"),
        );
        res.once("error", () => end(frames ? "reset mid-stream" : "reset after the headers, before the first chunk"));
      });
      req.once("error", (err: NodeJS.ErrnoException) =>
        end(frames ? "reset mid-stream" : `${responded ? "after the headers, " : ""}${err.code ?? "error"}`),
      );
      req.end(body);
    };
    const sampler = setInterval(() => {
      const slot = Math.floor((Date.now() - job.startAt) / job.slotMs);
      for (let s = report.open.length; s <= slot; s++) report.open[s] = open;
    }, job.slotMs);
    const deadline = setTimeout(
      () => {
        for (const stop of [...live.values()]) stop();
      },
      Math.max(0, job.deadline - Date.now()),
    );
    // requests go out on a schedule from startAt, whatever the event loop's delays
    let sent = 0;
    const tick = () => {
      const due = Math.min(job.n, Math.floor(((Date.now() - job.startAt) / job.rampMs) * job.n) + 1);
      while (sent < due) {
        sent++;
        one();
      }
      if (sent < job.n) setTimeout(tick, 5);
    };
    setTimeout(tick, Math.max(0, job.startAt - Date.now()));
  });
}

const job = JSON.parse(process.argv[2]) as StreamJob;
const report = await run(job);
process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));
