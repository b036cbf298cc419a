import type { ClientSignal } from "./client-signal";

/** Why a queued request left the queue without a slot. */
export class QueueRejection extends Error {
  constructor(readonly reason: "full" | "timeout" | "aborted") {
    super(reason);
  }
}

interface Waiter {
  tryAcquire: () => string | null;
  resolve: (id: string) => void;
  reject: (err: QueueRejection) => void;
  timer: NodeJS.Timeout;
}

/**
 * FIFO admission queue for requests whose candidates are all at max_concurrency. `notify()` (called whenever
 * a slot frees) hands slots to waiters in arrival order. `tryAcquire` picks and reserves a slot, or null.
 */
export class AdmissionQueue {
  private waiters: Waiter[] = [];

  constructor(private readonly limits: () => { max: number; timeoutMs: number }) {}

  get depth() {
    return this.waiters.length;
  }

  wait(tryAcquire: () => string | null, signal?: ClientSignal): Promise<string> {
    const { max, timeoutMs } = this.limits();
    if (this.waiters.length >= max) return Promise.reject(new QueueRejection("full"));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        tryAcquire,
        resolve,
        reject,
        timer: setTimeout(() => this.drop(waiter, new QueueRejection("timeout")), timeoutMs),
      };
      signal?.once("abort", () => this.drop(waiter, new QueueRejection("aborted")));
      this.waiters.push(waiter);
    });
  }

  notify(): void {
    for (let i = 0; i < this.waiters.length; ) {
      const w = this.waiters[i];
      const id = w.tryAcquire();
      if (id === null) {
        i++;
        continue;
      }
      this.waiters.splice(i, 1);
      clearTimeout(w.timer);
      w.resolve(id);
    }
  }

  private drop(w: Waiter, err: QueueRejection) {
    const i = this.waiters.indexOf(w);
    if (i === -1) return;
    this.waiters.splice(i, 1);
    clearTimeout(w.timer);
    w.reject(err);
  }
}
