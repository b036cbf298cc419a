// npm run bench -- --peers [--quick]: this load balancer beside nginx, HAProxy and the Portkey gateway, all in front
// of the same zero-delay fake, measured round by round in one run (direct first, then the proxies in a fresh order
// each round). Every answer is checked (status, body; a stream's chunk count and its [DONE]), and failures are
// counted per target, so a target that fails fast cannot look fast.
import { median, percentile, sequentialLatency, throughput, type Check } from "../load";
import { startFakeProcess } from "../procs";
import { startTargets, type PeerTarget } from "./targets";
import { log, treeCpuMs, treeRssMb } from "./system";

const MODEL = "bench-model";
const PATH = "/v1/chat/completions";
const PLAIN = JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "Hello!" }] });
const STREAM = JSON.stringify({ model: MODEL, stream: true, messages: [{ role: "user", content: "Hello!" }] });

export interface PeerRow {
  target: string;
  latency: { p50: number; p99: number; addedP50: number | null; addedP99: number | null };
  plain: { rps: number[]; ratios: number[] };
  stream: { rps: number[]; ratios: number[] };
  cpuUsPerPlain: number[];
  rssMb: number | null;
  failures: { latency: number; plain: number; stream: number };
}

const countOf = (s: string, what: string) => {
  let n = 0;
  for (let i = s.indexOf(what); i !== -1; i = s.indexOf(what, i + what.length)) n++;
  return n;
};

/** What every answer is checked against: the direct answer's text, and its number of SSE frames. */
async function expectations(url: string) {
  const ask = (body: string) =>
    fetch(`${url}${PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body }).then((r) =>
      r.text(),
    );
  const content = (JSON.parse(await ask(PLAIN)) as { choices: Array<{ message: { content: string } }> }).choices[0]
    .message.content;
  const frames = countOf(await ask(STREAM), "data: ");
  const plainOk = (body: string) => {
    try {
      return (
        (JSON.parse(body) as { choices?: Array<{ message?: { content?: string } }> }).choices?.[0]?.message?.content ===
        content
      );
    } catch {
      return false;
    }
  };
  const streamOk = (body: string) => body.trimEnd().endsWith("data: [DONE]") && countOf(body, "data: ") === frames;
  return { plainOk, streamOk, frames };
}

export async function runPeers(o: { rounds: number; seconds: number; latN: number }): Promise<PeerRow[]> {
  const fake = await startFakeProcess(["--kind", "openai", "--models", MODEL, "--chunks", "20", "--port", "0"]);
  const targets = await startTargets(fake);
  const { plainOk, streamOk, frames } = await expectations(fake.url);
  log(`targets: ${targets.list.map((t) => t.name).join(", ")}; a stream is ${frames} SSE frames ending in [DONE]`);
  const rows = new Map<string, PeerRow & { lat: number[] }>();
  for (const t of targets.list)
    rows.set(t.name, {
      target: t.name,
      lat: [],
      latency: { p50: 0, p99: 0, addedP50: null, addedP99: null },
      plain: { rps: [], ratios: [] },
      stream: { rps: [], ratios: [] },
      cpuUsPerPlain: [],
      rssMb: null,
      failures: { latency: 0, plain: 0, stream: 0 },
    });
  // direct first, then the proxies in a fresh order: none always runs after another
  const order = () => [targets.list[0], ...targets.list.slice(1).sort(() => Math.random() - 0.5)];
  const run = async (t: PeerTarget, mode: "plain" | "stream", seconds: number) => {
    const cpu0 = t.proc ? treeCpuMs(t.proc.pid) : 0;
    const res = await throughput(t.target, PATH, mode === "plain" ? PLAIN : STREAM, 50, seconds, (b) =>
      mode === "plain" ? plainOk(b) : streamOk(b),
    );
    const good = Math.max(0, res.total - res.mismatches);
    return {
      res,
      good,
      rps: res.total ? (res.rps * good) / res.total : 0,
      cpuMs: t.proc ? treeCpuMs(t.proc.pid) - cpu0 : 0,
    };
  };
  try {
    log("warm-up");
    for (const t of targets.list) for (const mode of ["plain", "stream"] as const) await run(t, mode, 1);
    for (let r = 0; r < o.rounds; r++) {
      log(`round ${r + 1} of ${o.rounds}: latency at 1 connection`);
      for (const t of order()) {
        const check: Check = { ok: plainOk, bad: 0 };
        rows.get(t.name)!.lat.push(...(await sequentialLatency(t.target, PATH, PLAIN, o.latN, check)));
        rows.get(t.name)!.failures.latency += check.bad;
      }
      for (const mode of ["plain", "stream"] as const) {
        log(`round ${r + 1} of ${o.rounds}: ${mode} at 50 connections`);
        const rps = new Map<string, number>();
        for (const t of order()) {
          const { res, good, rps: goodRps, cpuMs } = await run(t, mode, o.seconds);
          const row = rows.get(t.name)!;
          row.failures[mode] += res.errors + res.non2xx + res.mismatches;
          row[mode].rps.push(goodRps);
          rps.set(t.name, goodRps);
          if (mode === "plain" && t.proc && good) row.cpuUsPerPlain.push((cpuMs / good) * 1000);
          if (t.proc) row.rssMb = Math.max(row.rssMb ?? 0, treeRssMb(t.proc.pid));
        }
        for (const t of targets.list) rows.get(t.name)![mode].ratios.push(rps.get(t.name)! / rps.get("direct")!);
      }
    }
  } finally {
    await targets.stop();
    await fake.stop();
  }
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const direct = sorted(rows.get("direct")!.lat);
  for (const row of rows.values()) {
    const s = sorted(row.lat);
    row.latency.p50 = s.length ? percentile(s, 50) : NaN;
    row.latency.p99 = s.length ? percentile(s, 99) : NaN;
    if (row.target !== "direct") {
      row.latency.addedP50 = row.latency.p50 - percentile(direct, 50);
      row.latency.addedP99 = row.latency.p99 - percentile(direct, 99);
    }
  }
  for (const s of targets.skipped) log(`left out: ${s.name} (${s.reason})`);
  return [...rows.values()].map(({ lat: _, ...row }) => row);
}

const ms = (n: number) => `${n >= 0 ? "+" : "−"}${Math.abs(n).toFixed(2)}`;
const range = (xs: number[], d = 2) => {
  if (!xs.length) return "—";
  const m = median(xs).toFixed(d);
  return xs.length > 1 ? `${m}× (${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)})` : `${m}×`;
};

/** The table in the shape of public gateway benchmarks, one row per target; `held` from a --streams run. */
export function peerTable(rows: PeerRow[], held: Map<string, string> = new Map()): string {
  const lines = [
    "| target | added p50 / p99, 1 conn. | plain ×direct, 50 conn. | stream ×direct | CPU µs / plain request | RSS | concurrent streams held | failed answers |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const direct = r.target === "direct";
    const lat = direct
      ? `${r.latency.p50.toFixed(3)} / ${r.latency.p99.toFixed(3)} ms (absolute)`
      : `${ms(r.latency.addedP50!)} / ${ms(r.latency.addedP99!)} ms`;
    const rate = (m: PeerRow["plain"]) => (direct ? `1× (${Math.round(median(m.rps))} req/s)` : range(m.ratios));
    const cpu = r.cpuUsPerPlain.length ? `${Math.round(median(r.cpuUsPerPlain))}` : "—";
    const fails = r.failures.latency + r.failures.plain + r.failures.stream;
    const failText = fails
      ? `${fails} (1 conn. ${r.failures.latency}, plain ${r.failures.plain}, stream ${r.failures.stream})`
      : "0";
    lines.push(
      `| ${r.target} | ${lat} | ${rate(r.plain)} | ${rate(r.stream)} | ${cpu} | ${r.rssMb === null ? "—" : `${r.rssMb} MB`} | ${held.get(r.target) ?? "—"} | ${failText} |`,
    );
  }
  return lines.join("\n");
}
