import { describe, expect, it } from "vitest";
import { AdmissionQueue, QueueRejection } from "./queue";
import { ClientSignal } from "./client-signal";

describe("AdmissionQueue", () => {
  it("serves waiters first-in first-out as slots free", async () => {
    let free = 0;
    const q = new AdmissionQueue({ max: 10, timeoutMs: 1000 });
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
    const q = new AdmissionQueue({ max: 1, timeoutMs: 30 });
    const first = q.wait(() => null);
    await expect(q.wait(() => null)).rejects.toEqual(new QueueRejection("full"));
    await expect(first).rejects.toEqual(new QueueRejection("timeout"));
  });
  it("leaves the queue when the client goes away", async () => {
    const q = new AdmissionQueue({ max: 5, timeoutMs: 1000 });
    const signal = new ClientSignal();
    const p = q.wait(() => null, signal);
    signal.abort();
    await expect(p).rejects.toEqual(new QueueRejection("aborted"));
    expect(q.depth).toBe(0);
  });
  it("serves callers in turn, each caller's waiters in arrival order", async () => {
    let free = 0;
    const q = new AdmissionQueue({ max: 10, timeoutMs: 1000 });
    const take = () => (free > 0 ? (free--, "ep") : null);
    const order: string[] = [];
    const all = [
      ["a", 1],
      ["a", 2],
      ["a", 3],
      ["b", 1],
      ["c", 1],
      ["b", 2],
    ].map(([key, n]) => q.wait(take, undefined, String(key)).then(() => order.push(`${key}${n}`)));
    for (let i = 0; i < 6; i++) {
      free = 1;
      q.notify();
      await Promise.resolve();
    }
    await Promise.all(all);
    expect(order).toEqual(["a1", "b1", "c1", "a2", "b2", "a3"]);
  });
  it("a caller alone may fill the queue; a newcomer then takes the place of the biggest caller's newest waiter", async () => {
    const q = new AdmissionQueue({ max: 4, timeoutMs: 1000 });
    const settled: string[] = [];
    const track = (p: Promise<string>, name: string) =>
      p.then(
        () => settled.push(`${name} ok`),
        (e: QueueRejection) => settled.push(`${name} ${e.reason}`),
      );
    const flood = [1, 2, 3, 4].map((n) =>
      track(
        q.wait(() => null, undefined, "flood"),
        `flood${n}`,
      ),
    );
    expect(q.depth).toBe(4);
    const b = track(
      q.wait(() => null, undefined, "b"),
      "b1",
    );
    await flood[3];
    expect(settled).toEqual(["flood4 full"]);
    expect(q.depth).toBe(4);
    track(
      q.wait(() => null, undefined, "b"),
      "b2",
    ); // flood 3, b 1: b may take one more
    await flood[2];
    expect(settled).toEqual(["flood4 full", "flood3 full"]);
    await expect(q.wait(() => null, undefined, "b")).rejects.toEqual(new QueueRejection("full")); // 2 and 2: equal shares
    await expect(q.wait(() => null, undefined, "flood")).rejects.toEqual(new QueueRejection("full"));
    void b;
  });
});
