// `npm run bench:fleet`: the routing-quality benchmark. One seeded fleet of engine-like fakes and one
// seeded trace, replayed through the real server (dist/server.mjs) once per policy — round-robin, least-in-flight
// (the old rule) and fleet-aware — chosen with LLMLB_ROUTING_POLICY, a switch for benchmarks and tests only.
// Writes bench-results/fleet.{json,md} and bench-results/fleet-ttft-cdf.svg; exits 1 when a target is missed.
import fs from "node:fs";
import path from "node:path";
import { ROOT, json, startServerProcess } from "../procs";
import { engineCounts, MODELS, startBenchFleet, type FleetNode } from "./fleet";
import { replay } from "./replay";
import { makeTrace } from "./trace";
import { cdfSvg, summarize, tableMd, targets, type PolicyResult } from "./summary";

const POLICIES = ["round-robin", "least-inflight", "fleet"] as const;
const seed = Number(process.argv.find((a) => a.startsWith("--seed="))?.slice(7) ?? 17);
const durationMs = Number(process.argv.find((a) => a.startsWith("--seconds="))?.slice(10) ?? 40) * 1000;
const trace = makeTrace({
  seed,
  durationMs,
  ratePerSec: 10,
  models: MODELS,
  zipfS: 1.1,
  longShare: 0.04,
  longTokens: [2500, 9000],
});

async function register(url: string, nodes: FleetNode[]): Promise<void> {
  const ids = [];
  for (const n of nodes)
    ids.push(
      (
        (await json(`${url}/api/endpoints`, {
          method: "POST",
          body: JSON.stringify({ name: n.name, base_url: n.fake.url, inference_timeout_secs: n.timeoutSecs }),
        })) as { id: string }
      ).id,
    );
  for (const [i, id] of ids.entries()) {
    for (let k = 0; k < 200; k++) {
      const d = (await json(`${url}/api/endpoints/${id}`)) as {
        status: string;
        model_count: number;
        telemetry: { stale: boolean } | null;
      };
      if (d.status === "online" && d.model_count > 0 && (!nodes[i].fake.engine || (d.telemetry && !d.telemetry.stale)))
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function runPolicy(policy: (typeof POLICIES)[number]): Promise<PolicyResult> {
  const nodes = await startBenchFleet();
  const server = await startServerProcess({ LLMLB_ROUTING_POLICY: policy, LLMLB_QUEUE_TIMEOUT_SECS: "120" });
  try {
    await register(server.url, nodes);
    const bad = nodes.find((n) => n.name === "fast-503")!.fake;
    let badAt10 = 0;
    const t10 = setTimeout(() => (badAt10 = bad.served + bad.inflight), 10_000);
    const started = Date.now();
    const outcomes = await replay(server.url, "sk_debug", trace);
    clearTimeout(t10);
    const counts = engineCounts(nodes);
    const after10 = trace.filter((r) => r.at >= 10_000).length;
    return summarize(policy, trace, outcomes, {
      ...counts,
      fast503After10: (bad.served + bad.inflight - badAt10) / after10,
      wallMs: Date.now() - started,
    });
  } finally {
    await server.stop();
    await Promise.all(nodes.map((n) => n.fake.stop()));
  }
}

// The three replays run at the same time (each its own server and fleet): the work is timers and sockets, not CPU,
// and one run then fits in the 3 minutes allowed even with round-robin's long tail.
const t0 = Date.now();
process.stdout.write(`${POLICIES.join(", ")}: ${trace.length} requests over ${durationMs / 1000} s each, at once…\n`);
const results: PolicyResult[] = await Promise.all(POLICIES.map(runPolicy));
const checks = targets(results);
const meta = {
  seed: String(seed),
  requests: String(trace.length),
  seconds: String(durationMs / 1000),
  total_wall_s: ((Date.now() - t0) / 1000).toFixed(0),
  node: process.version,
};
const out = path.join(ROOT, "bench-results");
fs.mkdirSync(out, { recursive: true });
const md = tableMd(results, checks, meta);
fs.writeFileSync(path.join(out, "fleet.json"), `${JSON.stringify({ meta, results, checks }, null, 2)}\n`);
fs.writeFileSync(path.join(out, "fleet.md"), md);
fs.writeFileSync(path.join(out, "fleet-ttft-cdf.svg"), cdfSvg(results));
process.stdout.write(md);
process.exit(checks.every((c) => c.ok) ? 0 : 1);
