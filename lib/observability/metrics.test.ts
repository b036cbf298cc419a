import { describe, expect, it } from "vitest";
import { Metrics } from "./metrics";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("event-loop lag", () => {
  it("reads near zero on an idle loop (the 10 ms sampling interval is not lag)", async () => {
    const m = new Metrics();
    await sleep(300);
    const lag = m.lagSince();
    expect(lag.p50).toBeLessThan(5e6);
  });

  it("sees a blocked loop", async () => {
    const m = new Metrics();
    await sleep(50);
    const until = performance.now() + 60;
    while (performance.now() < until); // block the loop for 60 ms
    await sleep(30);
    expect(m.lagSince().max).toBeGreaterThan(40e6);
  });
});

describe("request metrics", () => {
  it("counts by model, endpoint and status, sums tokens by kind, and keeps latency and TTFT per model", () => {
    const m = new Metrics();
    const req = {
      model: "m",
      endpoint: "e",
      status: 200,
      outcome: "success" as const,
      durationMs: 30,
      ttftMs: null,
      promptTokens: 3,
      completionTokens: 4,
    };
    m.recordRequest(req);
    m.recordRequest({ ...req, durationMs: 2000, ttftMs: 20 });
    m.recordRequest({ ...req, status: 502, outcome: "error", promptTokens: 0, completionTokens: 0 });
    m.recordRequest({ ...req, outcome: "incomplete", promptTokens: 0, completionTokens: 0, durationMs: 0 });
    m.recordRequest({ ...req, endpoint: 'q"x', promptTokens: 0 });
    const text = m.render({ inflight: 0, queueDepth: 0, requestLogDropped: 0, endpoints: [] }, null);
    expect(text).toContain('llmlb_requests_total{model="m",endpoint="e",status="200",outcome="success"} 2');
    expect(text).toContain('llmlb_requests_total{model="m",endpoint="e",status="200",outcome="incomplete"} 1');
    expect(text).toContain('llmlb_requests_total{model="m",endpoint="e",status="502",outcome="error"} 1');
    expect(text).toContain('llmlb_requests_total{model="m",endpoint="q\\"x",status="200",outcome="success"} 1');
    expect(text).toContain('llmlb_tokens_total{model="m",endpoint="e",kind="prompt"} 6');
    expect(text).toContain('llmlb_tokens_total{model="m",endpoint="e",kind="completion"} 8');
    expect(text).not.toContain('llmlb_tokens_total{model="m",endpoint="q\\"x",kind="prompt"}');
    expect(text).toContain('llmlb_request_duration_seconds_count{model="m"} 5');
    expect(text).toContain('llmlb_ttft_seconds_count{model="m"} 1');
    expect(Number(/llmlb_request_duration_seconds_sum\{model="m"\} ([\d.]+)/.exec(text)?.[1])).toBeCloseTo(2.09, 6);
  });
});
