import type { ClientSignal } from "./client-signal";

/** Why a queued request left the queue without a slot. */
export class QueueRejection extends Error {
  constructor(readonly reason: "full" | "timeout" | "aborted") {
    super(reason);
  }
}

interface Waiter {
  key: string;
  tryAcquire: () => string | null;
  resolve: (id: string) => void;
  reject: (err: QueueRejection) => void;
  timer: NodeJS.Timeout;
}

/**
 * Admission queue for requests whose candidates are all at max_concurrency, fair between callers (API keys or
 * users). `notify()` (called whenever a slot frees) hands slots to the callers in turn, each caller's waiters in
 * arrival order; `tryAcquire` picks and reserves a slot, or null.
 *
 * One caller alone may fill the queue. When it is full and a caller with fewer waiters arrives, the newest waiter
 * of the caller holding the most is refused in its place: no caller can keep others out, and each one's share
 * tends to an equal part of `max`.
 */
export class AdmissionQueue {
  /** waiters by caller, in arrival order; callers in the order they first queued */
  private byKey = new Map<string, Waiter[]>();
  private total = 0;
  /** the caller served next starts from here (an index into byKey's order) */
  private turn = 0;

  constructor(private readonly limits: { max: number; timeoutMs: number }) {}

  get depth() {
    return this.total;
  }

  wait(tryAcquire: () => string | null, signal?: ClientSignal, key = ""): Promise<string> {
    const { max, timeoutMs } = this.limits;
    if (this.total >= max && !this.displaceFor(key)) return Promise.reject(new QueueRejection("full"));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        key,
        tryAcquire,
        resolve,
        reject,
        timer: setTimeout(() => this.drop(waiter, new QueueRejection("timeout")), timeoutMs),
      };
      signal?.once("abort", () => this.drop(waiter, new QueueRejection("aborted")));
      const list = this.byKey.get(key);
      if (list) list.push(waiter);
      else this.byKey.set(key, [waiter]);
      this.total++;
    });
  }

  notify(): void {
    let served = true;
    while (served && this.total) {
      served = false;
      const keys = [...this.byKey.keys()];
      for (let n = 0; n < keys.length; n++) {
        const at = (this.turn + n) % keys.length;
        const list = this.byKey.get(keys[at])!;
        let id: string | null = null;
        let i = 0;
        while (i < list.length && (id = list[i].tryAcquire()) === null) i++;
        if (id === null) continue;
        const w = list[i];
        this.remove(w, i);
        clearTimeout(w.timer);
        w.resolve(id);
        this.turn = list.length ? at + 1 : at;
        served = true;
        break;
      }
    }
  }

  /** Refuses the newest waiter of the caller holding the most, when it holds more than `key` would. */
  private displaceFor(key: string): boolean {
    const mine = this.byKey.get(key)?.length ?? 0;
    let biggest: Waiter[] | null = null;
    for (const list of this.byKey.values()) if (!biggest || list.length > biggest.length) biggest = list;
    if (!biggest || biggest.length <= mine + 1) return false;
    this.drop(biggest[biggest.length - 1], new QueueRejection("full"));
    return true;
  }

  private remove(w: Waiter, i: number): void {
    const list = this.byKey.get(w.key)!;
    list.splice(i, 1);
    if (!list.length) this.byKey.delete(w.key);
    this.total--;
  }

  private drop(w: Waiter, err: QueueRejection) {
    const i = this.byKey.get(w.key)?.indexOf(w) ?? -1;
    if (i === -1) return;
    this.remove(w, i);
    clearTimeout(w.timer);
    w.reject(err);
  }
}
