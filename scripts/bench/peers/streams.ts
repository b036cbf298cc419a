// npm run bench -- --streams [N] [--stream-seconds S]: N concurrent streaming requests (default 5,000, each S = 60 s
// long, a stamped frame every 200 ms from the fake) through each target in turn, ramped at 500 a second from client
// child processes (scripts/bench/streams/fanout.ts), with 100 reference streams straight to the fake alongside.
// Per target: failures by kind, streams started in time, each frame's added transit (against the reference
// streams of the same seconds), the gap between chunks beyond 200 ms, RSS idle → peak and per open stream, CPU per
// frame, and the most streams open at once before the first failure.
import os from "node:os";
import { startFakeProcess } from "../procs";
import { holdThrough, streamFake, type HoldResult } from "../streams/fanout";
import { startTargets } from "./targets";
import { fileLimit, log, quiet } from "./system";

const CHUNK_MS = 200;

export type StreamRow = HoldResult;

export async function runStreams(n: number, seconds: number): Promise<StreamRow[]> {
  const limit = fileLimit();
  log(`open-file limit: soft ${limit.soft}, hard ${limit.hard} (each proxied stream needs 2 in the proxy)`);
  if (limit.soft < n * 2 + 1000)
    log(`WARNING: ${n} streams need an open-file limit of about ${n * 2 + 1000}: run \`ulimit -n 65536\` first`);
  const { args, frames } = streamFake(seconds, CHUNK_MS);
  const fake = await startFakeProcess(args);
  // max_concurrency is unset on the registered endpoint (unlimited), so the admission queue never holds a stream
  const targets = await startTargets(fake);
  const rows: StreamRow[] = [];
  try {
    const pids = [fake.pid, ...targets.list.flatMap((t) => (t.proc ? [t.proc.pid] : []))];
    for (const t of targets.list) {
      // every target starts on a quiet machine: the fake and every proxy idle (the previous turn's leftovers done)
      log(`waited ${await quiet(pids)} s for the fake and the proxies to be idle`);
      log(`${t.name}: ${n} streams × ${seconds} s, ${Math.ceil(n / 2500)} client process(es) + 100 reference`);
      const row = await holdThrough(t.target, {
        n,
        seconds,
        chunkMs: CHUNK_MS,
        frames,
        upstream: fake.url,
        pid: t.proc?.pid ?? null,
      });
      rows.push({ ...row, target: t.name });
      log(`${t.name}: ${JSON.stringify(row)}`);
    }
  } finally {
    await targets.stop();
    await fake.stop();
  }
  for (const s of targets.skipped) log(`left out: ${s.name} (${s.reason})`);
  return rows;
}

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d).replace(/^-/, "−") : "—");
const signed = (x: number) => `${x >= 0 ? "+" : ""}${f(x, 2)}`;
const pair = (x: { p50: number; p99: number }, d = 1) => `${f(x.p50, d)} / ${f(x.p99, d)}`;

export function streamTable(rows: StreamRow[]): string {
  const lines = [
    `| target | streams × s | failed (by kind) | started within ${rows[0]?.startWithinS ?? 10} s | completed | added transit p50 / p99 (reference streams' transit) | added gap between chunks p50 / p99 | RSS idle → peak | RSS per open stream (peak − idle) ÷ most held | CPU µs / frame (stream setup included) | most held at once / before the first failure | client loop p99 |`,
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const kinds = Object.entries(r.failures)
      .map(([k, c]) => `${k} ${c}`)
      .join(", ");
    const ref = r.reference;
    const added = `${signed(r.addedMs.p50)} / ${signed(r.addedMs.p99)} ms (${pair(ref.transitMs, 2)}${ref.failed ? `, ${ref.failed} failed` : ""})`;
    const s = r.server;
    lines.push(
      `| ${r.target} | ${r.n} × ${r.seconds} | ${r.failed}${kinds ? ` (${kinds})` : ""} | ${r.startedInTime} | ${r.completed} | ${added} | ${pair(r.addedGapMs)} ms | ${s ? `${s.idleRssMb} → ${s.peakRssMb} MB` : "—"} | ${s?.kbPerStream != null ? `${s.kbPerStream} KB` : "—"} | ${s?.cpuUsPerFrame ?? "—"} | ${r.peakHeld} / ${r.held} | ${f(r.clientLoopP99Ms)} ms |`,
    );
  }
  return lines.join("\n");
}

export const machine = () => `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, node ${process.version}`;
