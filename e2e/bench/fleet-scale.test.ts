// Engine telemetry of 1,000 endpoints costs the /v1 thread < 1 ms of event-loop lag (p99), measured
// against the same registry with telemetry off. Also what the polling costs the engines (requests per endpoint).
import { afterAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { call } from "../harness/http";
import { insertFleet, startPrefixServer } from "../../scripts/bench/fleet";

const WINDOW_MS = 20_000;
const servers: TestServer[] = [];
let prefix: Awaited<ReturnType<typeof startPrefixServer>> | null = null;
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await prefix?.stop();
});

async function lagP99(telemetryMs: string): Promise<{ p99: number; reads: number }> {
  const s = await startServer({ env: { LLMLB_TELEMETRY_INTERVAL_MS: telemetryMs, LLMLB_SCHEDULER: "0" } });
  servers.push(s);
  await insertFleet(s.dataDir, prefix!.url, 1000, 1, 300, "ollama");
  await new Promise((r) => setTimeout(r, 5000)); // the change poll reloads the routing table and the poller's targets
  const metrics = async () => (await call(s.url, "GET", "/metrics", { key: "sk_debug" })).text;
  await metrics(); // starts the lag window
  const hits0 = prefix!.hits();
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  const text = await metrics();
  const reads = prefix!.hits() - hits0;
  const p99 = Number(/llmlb_event_loop_lag_seconds\{thread="main",quantile="0.99"\} ([\d.e-]+)/.exec(text)?.[1]) * 1000;
  if (telemetryMs !== "0") expect(text).toContain('llmlb_model_loaded{endpoint="fleet-999"');
  await s.stop();
  return { p99, reads };
}

describe("telemetry at 1,000 endpoints", () => {
  it("adds < 1 ms to the /v1 thread's event-loop lag p99", async () => {
    prefix = await startPrefixServer();
    const off = await lagP99("0");
    const on = await lagP99("2000");
    const perEndpoint = on.reads / 1000 / (WINDOW_MS / 1000);
    console.log(
      `/v1-thread lag p99: ${off.p99.toFixed(2)} ms without telemetry, ${on.p99.toFixed(2)} ms with (1,000 Ollama endpoints, ${on.reads} telemetry reads in ${WINDOW_MS / 1000} s = ${perEndpoint.toFixed(2)}/s per endpoint)`,
    );
    expect(on.p99 - off.p99).toBeLessThan(1);
    expect(perEndpoint).toBeLessThanOrEqual(0.55); // at most one read per 2 s (+ the window's edges)
    expect(perEndpoint).toBeGreaterThan(0.3);
  }, 120_000);
});
