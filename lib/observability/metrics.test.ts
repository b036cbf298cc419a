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
