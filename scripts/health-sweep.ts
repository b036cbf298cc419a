// Health-check sweep at scale (1,000 endpoints on a 30 s interval without the event loop lagging > 20 ms).
//
//   npx tsx scripts/health-sweep.ts [--endpoints 1000] [--concurrency 16] [--settle-secs 5] [--measure-secs 70]
//                                   [--interval 30] [--cpu-profile out.cpuprofile]   (the control thread's CPU profile
//                                   over the window) [--node-arg=--trace-gc ...]   (extra node flags for the server)
//                                   [--server-output FILE]   (everything the server printed)
//
// Starts one minimal fake upstream (OpenAI-compatible; every `/n/{i}` path prefix is its own endpoint), starts the
// built server (e2e/harness/server.ts; LLMLB_TEST_SERVER / LLMLB_NEXT_DIST_DIR pick the build), registers the
// endpoints with limited concurrency, then measures for a while:
//   - the server's event-loop lag, from inside its process: a preload (`--import`) written by this script runs a 10 ms
//     timer chain in each thread (main: /v1; control: Next and the health checks) and prints each second how late
//     the timers fired (the server code is not changed);
//   - the server's responsiveness as a client sees it: `GET /api/health` every 100 ms;
//   - the schedule itself, from the health_checks table: checks per endpoint and the gap between consecutive checks.
// Prints a summary table. Talks to 127.0.0.1 only.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { startServer } from "../e2e/harness/server";
import { tempDir } from "../lib/testing/temp-dir";

const { values: args } = parseArgs({
  options: {
    endpoints: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "16" },
    /** the steady-state window starts this long after the last registration answered (its own checks settle) */
    "settle-secs": { type: "string", default: "5" },
    "measure-secs": { type: "string", default: "70" },
    "node-arg": { type: "string", multiple: true, default: [] },
    /** write the server's whole output (lag lines, --trace-gc lines...) to this file */
    "server-output": { type: "string" },
    interval: { type: "string", default: "30" },
    /** write a CPU profile of the server process during the measurement window to this file */
    "cpu-profile": { type: "string" },
  },
});
const N = Number(args.endpoints);
const CONCURRENCY = Number(args.concurrency);
const MEASURE_MS = Number(args["measure-secs"]) * 1000;
const INTERVAL = Number(args.interval);
const KEY = "sk_debug";

// ---- a minimal fake: /n/{i}/v1/models answers an OpenAI model list; everything else is 404 ----

const probesByEndpoint = new Map<number, number>();
function fakeHandler(req: IncomingMessage, res: ServerResponse): void {
  const m = /^\/n\/(\d+)(\/.*)$/.exec((req.url ?? "/").split("?")[0]);
  const rest = m ? m[2] : req.url;
  req.resume();
  req.on("end", () => {
    if (req.method === "GET" && rest === "/v1/models" && m) {
      const i = Number(m[1]);
      probesByEndpoint.set(i, (probesByEndpoint.get(i) ?? 0) + 1);
      const body = JSON.stringify({
        object: "list",
        data: [{ id: `sweep-model-${i % 10}`, object: "model", created: 0, owned_by: "sweep" }],
      });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end('{"error":{"message":"not found"}}');
  });
}

async function startSweepFake(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(fakeHandler);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---- the in-process lag probe, preloaded into the server ----

const LAG_PRELOAD = `
import { isMainThread } from "node:worker_threads";
const thread = isMainThread ? "main" : "control";
const STEP = 10;
let samples = [];
let last = performance.now();
function tick() {
  const now = performance.now();
  samples.push(Math.max(0, now - last - STEP));
  last = now;
  setTimeout(tick, STEP).unref();
}
setTimeout(tick, STEP).unref();
// Also per second: event-loop utilisation, CPU time used, and registry-changed events (each reloads routing state).
let elu = performance.eventLoopUtilization();
let cpu = process.cpuUsage();
let changes = 0;
let full = 0; // of them, changes of unknown extent (a full reload)
let hooked = false;
setInterval(() => {
  const rt = globalThis.__llmlbRuntime;
  if (!hooked && rt) {
    rt.events.on("registry-changed", (id) => (changes++, id === undefined && full++));
    hooked = true;
  }
  const s = samples;
  samples = [];
  const big = s.filter((v) => v >= 1).map((v) => Math.round(v * 10) / 10);
  const e = performance.eventLoopUtilization(elu);
  elu = performance.eventLoopUtilization();
  const c = process.cpuUsage(cpu);
  cpu = process.cpuUsage();
  const line = { thread, t: Date.now(), n: s.length, big, elu: Math.round(e.utilization * 1000) / 1000, cpuMs: Math.round((c.user + c.system) / 1000), changes, full };
  changes = 0;
  full = 0;
  process.stderr.write("SWEEP_LAG " + JSON.stringify(line) + "\\n");
}, 1000).unref();
// The control thread's CPU profile (it runs the checks). SIGUSR2 from the sweep reaches the main thread only, which
// passes it on over a BroadcastChannel: the first starts the profiler at the start of the measurement window, the
// next one writes the profile.
if (process.env.SWEEP_CPU_PROFILE) {
  const channel = new BroadcastChannel("sweep-profile");
  channel.unref();
  if (isMainThread) process.on("SIGUSR2", () => channel.postMessage("toggle"));
  else {
    const { Session } = await import("node:inspector");
    const { writeFileSync } = await import("node:fs");
    const session = new Session();
    session.connect();
    let on = false;
    channel.onmessage = () => {
      if (!on) {
        on = true;
        session.post("Profiler.enable", () => session.post("Profiler.start"));
        return;
      }
      session.post("Profiler.stop", (err, res) => {
        if (!err) writeFileSync(process.env.SWEEP_CPU_PROFILE, JSON.stringify(res.profile));
        process.stderr.write("SWEEP_PROFILE written\\n");
      });
    };
  }
}
`;

// ---- helpers ----

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : "—");

async function post(base: string, p: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(base + p, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

interface LagLine {
  thread: "main" | "control";
  t: number;
  n: number;
  big: number[];
  elu: number;
  cpuMs: number;
  changes: number;
  full: number;
}

function lagLines(output: string): LagLine[] {
  return output
    .split("\n")
    .filter((l) => l.startsWith("SWEEP_LAG "))
    .map((l) => JSON.parse(l.slice("SWEEP_LAG ".length)) as LagLine);
}

/** Lag percentiles over a time range: samples under 1 ms are only counted, so a percentile among them is "< 1". */
function lagStats(all: LagLine[], thread: LagLine["thread"], from: number, to: number) {
  const inRange = all.filter((l) => l.thread === thread && l.t > from && l.t <= to);
  const n = inRange.reduce((a, l) => a + l.n, 0);
  const big = inRange.flatMap((l) => l.big).sort((a, b) => a - b);
  const small = n - big.length;
  const pct = (q: number) => {
    const rank = Math.ceil(q * n);
    return rank <= small ? "< 1" : fmt(big[rank - small - 1]);
  };
  const secs = Math.max(1, inRange.length);
  return {
    n,
    p50: pct(0.5),
    p99: pct(0.99),
    p999: pct(0.999),
    max: big.length ? fmt(big[big.length - 1]) : "< 1",
    over20: big.filter((v) => v > 20).length,
    elu: fmt((100 * inRange.reduce((a, l) => a + l.elu, 0)) / secs),
    cpu: fmt(inRange.reduce((a, l) => a + l.cpuMs, 0) / secs / 10),
    changes: inRange.reduce((a, l) => a + l.changes, 0),
    full: inRange.reduce((a, l) => a + l.full, 0),
  };
}

function table(title: string, rows: Array<[string, string]>): void {
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${title}`);
  console.log("-".repeat(w + 30));
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
}

// ---- the run ----

async function main(): Promise<void> {
  const preload = path.join(tempDir("llmlb-sweep-"), "lag-probe.mjs");
  fs.writeFileSync(preload, LAG_PRELOAD);
  const fake = await startSweepFake();
  const s = await startServer({
    nodeArgs: [`--import=${new URL(`file://${preload}`).href}`, ...args["node-arg"]],
    env: {
      ...(args["cpu-profile"] ? { SWEEP_CPU_PROFILE: path.resolve(args["cpu-profile"]) } : {}),
      LLMLB_LOG_LEVEL: "warn",
    },
  });
  console.log(
    `server ${s.url} (pid ${s.proc.pid}), fake ${fake.url}; registering ${N} endpoints, concurrency ${CONCURRENCY}, interval ${INTERVAL} s`,
  );
  try {
    // 1. registration
    const regStart = Date.now();
    const regLatency: number[] = [];
    const failures: string[] = [];
    let undetected = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) {
          const i = next++;
          const t = performance.now();
          const r = await post(s.url, "/api/endpoints", {
            name: `sweep-${i}`,
            base_url: `${fake.url}/n/${i}`,
            health_check_interval_secs: INTERVAL,
          });
          regLatency.push(performance.now() - t);
          if (r.status !== 201) failures.push(`#${i}: ${r.status} ${JSON.stringify(r.json)}`);
          else if (r.json.endpoint_type !== "openai_compatible") undetected++; // detection (≤ 2 s) timed out; checks re-detect
        }
      }),
    );
    const regEnd = Date.now();
    const loadAfterReg = os.loadavg()[0];
    if (failures.length)
      throw new Error(`${failures.length} registrations failed, e.g. ${failures.slice(0, 3).join("; ")}`);
    regLatency.sort((a, b) => a - b);
    console.log(`registered ${N} in ${((regEnd - regStart) / 1000).toFixed(1)} s`);

    // 2. measurement window: /api/health every 100 ms
    await sleep(Number(args["settle-secs"]) * 1000);
    if (args["cpu-profile"]) s.proc.kill("SIGUSR2");
    const winStart = Date.now();
    const healthMs: number[] = [];
    let healthErrors = 0;
    while (Date.now() - winStart < MEASURE_MS) {
      const slot = Date.now();
      const t = performance.now();
      try {
        const res = await fetch(`${s.url}/api/health`);
        await res.text();
        if (res.status !== 200) healthErrors++;
      } catch {
        healthErrors++;
      }
      healthMs.push(performance.now() - t);
      await sleep(Math.max(0, slot + 100 - Date.now()));
    }
    const winEnd = Date.now();
    if (args["cpu-profile"]) s.proc.kill("SIGUSR2");
    await sleep(1100); // let the last lag line arrive
    healthMs.sort((a, b) => a - b);

    // 3. the schedule, from health_checks
    const db = s.db();
    const rs = await db.execute(
      "SELECT endpoint_id, checked_at, ok FROM health_checks ORDER BY endpoint_id, checked_at",
    );
    const byEndpoint = new Map<string, number[]>();
    let failed = 0;
    for (const r of rs.rows) {
      const list = byEndpoint.get(String(r.endpoint_id)) ?? [];
      list.push(Number(r.checked_at));
      byEndpoint.set(String(r.endpoint_id), list);
      if (Number(r.checked_at) >= winStart && Number(r.checked_at) <= winEnd && !Number(r.ok)) failed++;
    }
    const statuses = await db.execute("SELECT status, count(*) AS n FROM endpoints GROUP BY status");
    const inWindow: number[] = [];
    const gaps: number[] = [];
    const steadyGaps: number[] = [];
    const lastGapEnd: number[] = [];
    for (const times of byEndpoint.values()) {
      inWindow.push(times.filter((t) => t >= winStart && t <= winEnd).length);
      for (let i = 1; i < times.length; i++) {
        if (times[i] < winStart || times[i] > winEnd) continue;
        gaps.push((times[i] - times[i - 1]) / 1000);
        if (times[i - 1] >= winStart) steadyGaps.push((times[i] - times[i - 1]) / 1000);
      }
      lastGapEnd.push(winEnd - Math.max(...times));
    }
    steadyGaps.sort((a, b) => a - b);
    const missing = N - byEndpoint.size;
    inWindow.sort((a, b) => a - b);
    gaps.sort((a, b) => a - b);
    const within2 = gaps.filter((g) => Math.abs(g - INTERVAL) <= 2).length;
    const overdue = lastGapEnd.filter((ms) => ms > (INTERVAL + 2) * 1000).length;
    const windowChecks = inWindow.reduce((a, b) => a + b, 0);

    const lines = lagLines(s.output());
    const lagRow = (label: string, l: ReturnType<typeof lagStats>): Array<[string, string]> => [
      [
        `${label} event-loop lag p50 / p99 / p99.9 / max`,
        `${l.p50} / ${l.p99} / ${l.p999} / ${l.max} ms (${l.n} samples, ${l.over20} > 20 ms)`,
      ],
      [
        `${label} event-loop utilisation / process CPU (of one core)`,
        `${l.elu} % / ${l.cpu} %; ${l.changes} registry-changed events (${l.full} of unknown extent)`,
      ],
    ];
    const lagReg = {
      main: lagStats(lines, "main", regStart, regEnd),
      control: lagStats(lines, "control", regStart, regEnd),
    };
    const lagWin = {
      main: lagStats(lines, "main", winStart, winEnd),
      control: lagStats(lines, "control", winStart, winEnd),
    };

    table(`Registration (${N} endpoints, ${CONCURRENCY} at a time)`, [
      ["duration", `${((regEnd - regStart) / 1000).toFixed(1)} s (${fmt(N / ((regEnd - regStart) / 1000))} /s)`],
      [
        "POST latency p50 / p99 / max",
        `${fmt(quantile(regLatency, 0.5))} / ${fmt(quantile(regLatency, 0.99))} / ${fmt(regLatency.at(-1)!)} ms`,
      ],
      ...lagRow("main thread (/v1)", lagReg.main),
      ...lagRow("control thread (API, checks)", lagReg.control),
      ["answered with type unknown (detection timed out)", `${undetected}`],
      ["machine load average (1 min) at the end", `${fmt(loadAfterReg, 2)} on ${os.cpus().length} CPUs`],
    ]);
    table(
      `Steady state (${((winEnd - winStart) / 1000).toFixed(0)} s window from ${args["settle-secs"]} s after registration, interval ${INTERVAL} s)`,
      [
        [
          "checks in window",
          `${windowChecks} (${fmt(windowChecks / ((winEnd - winStart) / 1000))} /s), ${failed} failed`,
        ],
        ["checks per endpoint min / median / max", `${inWindow[0]} / ${quantile(inWindow, 0.5)} / ${inWindow.at(-1)}`],
        ["endpoints never checked", `${missing}`],
        ["endpoints overdue at the end (> interval + 2 s)", `${overdue}`],
        [
          "gap between checks min / p1 / p50 / p99 / max",
          `${fmt(gaps[0], 2)} / ${fmt(quantile(gaps, 0.01), 2)} / ${fmt(quantile(gaps, 0.5), 2)} / ${fmt(quantile(gaps, 0.99), 2)} / ${fmt(gaps.at(-1)!, 2)} s`,
        ],
        [
          `gaps within ${INTERVAL} ± 2 s`,
          `${within2} / ${gaps.length} (${fmt((100 * within2) / Math.max(1, gaps.length))} %)`,
        ],
        [
          "  of them both checks in the window: min / p50 / max",
          `${fmt(steadyGaps[0], 2)} / ${fmt(quantile(steadyGaps, 0.5), 2)} / ${fmt(steadyGaps.at(-1)!, 2)} s (${steadyGaps.length} gaps)`,
        ],
        ...lagRow("main thread (/v1)", lagWin.main),
        ...lagRow("control thread (API, checks)", lagWin.control),
        [
          "GET /api/health p50 / p99 / max",
          `${fmt(quantile(healthMs, 0.5))} / ${fmt(quantile(healthMs, 0.99))} / ${fmt(healthMs.at(-1)!)} ms (${healthMs.length} calls, ${healthErrors} errors)`,
        ],
        [
          "machine load average (1 min) at the end",
          `${fmt(os.loadavg()[0], 2)} on ${os.cpus().length} CPUs (other processes inflate lag)`,
        ],
        ["endpoint statuses", statuses.rows.map((r) => `${r.status}=${r.n}`).join(", ")],
        ["fake /v1/models requests (all)", `${[...probesByEndpoint.values()].reduce((a, b) => a + b, 0)}`],
      ],
    );
    const worstSeconds = lines
      .filter((l) => l.thread === "control" && l.t > winStart && l.t <= winEnd && l.big.length)
      .map((l) => ({ t: ((l.t - winStart) / 1000).toFixed(0), max: Math.max(...l.big) }))
      .sort((a, b) => b.max - a.max)
      .slice(0, 5);
    if (worstSeconds.length)
      console.log(
        `\ncontrol thread's worst seconds of lag (s into window: max ms): ${worstSeconds.map((w) => `${w.t}: ${w.max}`).join(", ")}`,
      );
    const ok =
      missing === 0 &&
      overdue === 0 &&
      gaps.length > 0 &&
      within2 === gaps.length &&
      lagWin.main.over20 === 0 &&
      lagWin.control.over20 === 0;
    console.log(
      `\n${ok ? "PASS" : "FAIL"}: every endpoint checked every ${INTERVAL} ± 2 s and no event-loop lag over 20 ms in either thread in the window`,
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    await s.stop();
    await fake.close();
    if (args["server-output"]) fs.writeFileSync(args["server-output"], s.output());
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
