import { describe, expect, it } from "vitest";
import { AdmissionQueue, QueueRejection } from "./queue";
import { ClientSignal } from "./client-signal";

describe("AdmissionQueue", () => {
  it("serves waiters first-in first-out as slots free", async () => {
    let free = 0;
    const q = new AdmissionQueue(() => ({ max: 10, timeoutMs: 1000 }));
    const take = () => (free > 0 ? (free--, "ep") : null);
    const order: number[] = [];
    const a = q.wait(take).then(() => order.push(1));
    const b = q.wait(take).then(() => order.push(2));
    expect(q.depth).toBe(2);
    free = 1;
    q.notify();
    await a;
    free = 1;
    q.notify();
    await b;
    expect(order).toEqual([1, 2]);
    expect(q.depth).toBe(0);
  });
  it("refuses when full and times out", async () => {
    const q = new AdmissionQueue(() => ({ max: 1, timeoutMs: 30 }));
    const first = q.wait(() => null);
    await expect(q.wait(() => null)).rejects.toEqual(new QueueRejection("full"));
    await expect(first).rejects.toEqual(new QueueRejection("timeout"));
  });
  it("leaves the queue when the client goes away", async () => {
    const q = new AdmissionQueue(() => ({ max: 5, timeoutMs: 1000 }));
    const signal = new ClientSignal();
    const p = q.wait(() => null, signal);
    signal.abort();
    await expect(p).rejects.toEqual(new QueueRejection("aborted"));
    expect(q.depth).toBe(0);
  });
});
