// Figures of one policy's replay, the routing targets against least-in-flight, and the reports (Markdown, SVG).
import { percentile } from "../load";
import type { Outcome } from "./replay";
import type { TraceRequest } from "./trace";

/** The largest context any engine serving the model has (scripts/bench/routing/fleet.ts). */
const MAX_CONTEXT: Record<string, number> = { m0: 16384, m1: 8192, m2: 8192, m3: 8192, m4: 8192, m5: 8192 };

export interface PolicyResult {
  policy: string;
  requests: number;
  ttftP50: number;
  ttftP95: number;
  e2eP95: number;
  failures: number;
  /** failed although some endpoint could have served the request */
  avoidableFailures: number;
  coldLoadsPer1000: number;
  fast503ShareAfter10s: number;
  contextOverflowsUpstream: number;
  reasons: Record<string, number>;
  ttftSorted: number[];
  wallMs: number;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

export function summarize(
  policy: string,
  trace: TraceRequest[],
  outcomes: Outcome[],
  x: { overflows: number; coldLoads: number; fast503After10: number; wallMs: number },
): PolicyResult {
  const ttft = outcomes.flatMap((o) => (o.ttftMs === null ? [] : [o.ttftMs])).sort((a, b) => a - b);
  const e2e = outcomes
    .filter((o) => o.status === 200)
    .map((o) => o.e2eMs)
    .sort((a, b) => a - b);
  let failures = 0;
  let avoidable = 0;
  const reasons: Record<string, number> = {};
  outcomes.forEach((o, i) => {
    if (o.reason) reasons[o.reason] = (reasons[o.reason] ?? 0) + 1;
    if (o.status === 200) return;
    failures++;
    const r = trace[i];
    if (r.promptTokens + r.maxTokens <= MAX_CONTEXT[r.model]) avoidable++;
  });
  return {
    policy,
    requests: outcomes.length,
    ttftP50: r1(percentile(ttft, 50)),
    ttftP95: r1(percentile(ttft, 95)),
    e2eP95: r1(percentile(e2e, 95)),
    failures,
    avoidableFailures: avoidable,
    coldLoadsPer1000: r1((x.coldLoads / outcomes.length) * 1000),
    fast503ShareAfter10s: Math.round(x.fast503After10 * 10000) / 10000,
    contextOverflowsUpstream: x.overflows,
    reasons,
    ttftSorted: ttft.map(r1),
    wallMs: x.wallMs,
  };
}

export function targets(results: PolicyResult[]): Array<{ target: string; value: string; ok: boolean }> {
  const old = results.find((r) => r.policy === "least-inflight")!;
  const f = results.find((r) => r.policy === "fleet")!;
  const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? 0 : Infinity) : a / b);
  const cold = ratio(f.coldLoadsPer1000, old.coldLoadsPer1000);
  const p95 = ratio(f.ttftP95, old.ttftP95);
  return [
    {
      target: "cold loads ≤ 0.2× least-in-flight",
      value: `${cold.toFixed(3)}× (${f.coldLoadsPer1000} vs ${old.coldLoadsPer1000} per 1,000)`,
      ok: cold <= 0.2,
    },
    {
      target: "TTFT p95 ≤ 0.7× least-in-flight",
      value: `${p95.toFixed(3)}× (${f.ttftP95} vs ${old.ttftP95} ms)`,
      ok: p95 <= 0.7,
    },
    { target: "0 avoidable failures", value: String(f.avoidableFailures), ok: f.avoidableFailures === 0 },
    {
      target: "fast-503 endpoint ≤ 1 % after 10 s",
      value: `${(f.fast503ShareAfter10s * 100).toFixed(2)} %`,
      ok: f.fast503ShareAfter10s <= 0.01,
    },
    {
      target: "0 context overflows sent upstream",
      value: String(f.contextOverflowsUpstream),
      ok: f.contextOverflowsUpstream === 0,
    },
  ];
}

export function tableMd(
  results: PolicyResult[],
  checks: ReturnType<typeof targets>,
  meta: Record<string, string>,
): string {
  const rows = results.map(
    (r) =>
      `| ${r.policy} | ${r.ttftP50} | ${r.ttftP95} | ${r.e2eP95} | ${r.failures} | ${r.avoidableFailures} | ${r.coldLoadsPer1000} | ${(r.fast503ShareAfter10s * 100).toFixed(2)} % | ${r.contextOverflowsUpstream} |`,
  );
  return [
    `# Routing-quality benchmark`,
    ``,
    Object.entries(meta)
      .map(([k, v]) => `${k}: ${v}`)
      .join(" · "),
    ``,
    `| policy | TTFT p50 ms | TTFT p95 ms | e2e p95 ms | failures | avoidable | cold loads /1,000 | fast-503 share after 10 s | context overflows upstream |`,
    `|---|---|---|---|---|---|---|---|---|`,
    ...rows,
    ``,
    `| target (fleet-aware vs least-in-flight) | value | met |`,
    `|---|---|---|`,
    ...checks.map((c) => `| ${c.target} | ${c.value} | ${c.ok ? "yes" : "**no**"} |`),
    ``,
    `Route reasons (fleet-aware): ${JSON.stringify(results.find((r) => r.policy === "fleet")?.reasons ?? {})}`,
    ``,
  ].join("\n");
}

/** TTFT cumulative distribution, one curve per policy, log-scaled time axis. */
export function cdfSvg(results: PolicyResult[]): string {
  const W = 640,
    H = 360,
    L = 50,
    B = 40,
    colors = ["#d62728", "#ff7f0e", "#1f77b4"];
  const max = Math.max(...results.flatMap((r) => r.ttftSorted), 10);
  const x = (ms: number) => L + ((Math.log10(Math.max(ms, 10)) - 1) / (Math.log10(max) - 1)) * (W - L - 20);
  const y = (p: number) => H - B - p * (H - B - 20);
  const curves = results.map((r, i) => {
    const pts = r.ttftSorted
      .map((v, k) => `${x(v).toFixed(1)},${y((k + 1) / r.ttftSorted.length).toFixed(1)}`)
      .join(" ");
    return `<polyline fill="none" stroke="${colors[i % 3]}" stroke-width="2" points="${pts}"/><text x="${W - 170}" y="${40 + i * 18}" fill="${colors[i % 3]}" font-size="13">${r.policy}</text>`;
  });
  const ticks = [10, 100, 1000, 10000, 100000]
    .filter((t) => t <= max)
    .map(
      (t) =>
        `<text x="${x(t)}" y="${H - B + 16}" font-size="11" text-anchor="middle">${t >= 1000 ? `${t / 1000} s` : `${t} ms`}</text>`,
    );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/><text x="${L}" y="16" font-size="14">TTFT CDF per policy (log time)</text><line x1="${L}" y1="${H - B}" x2="${W - 20}" y2="${H - B}" stroke="#444"/><line x1="${L}" y1="20" x2="${L}" y2="${H - B}" stroke="#444"/><text x="8" y="${y(0.5)}" font-size="11">50 %</text><text x="8" y="${y(1) + 4}" font-size="11">100 %</text>${ticks.join("")}${curves.join("")}</svg>\n`;
}
