/**
 * Requests in flight per client, capped, with a bounded wait for the rest: one client (one address) cannot take
 * the whole of a shared capacity, while a burst from one client (a dashboard's page load, a script's parallel
 * writes) is served in turn rather than refused. Pure bookkeeping, no clock or I/O: the caller passes `run`, and
 * calls `leave` when what it started has finished.
 */
export class ClientQueue {
  private readonly inFlight = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => boolean | undefined>>();

  constructor(
    readonly max: number,
    readonly maxWaiting: number,
  ) {}

  /**
   * Runs `run` now if `client` has fewer than `max` in flight, later (when one of its own leaves) if fewer than
   * `maxWaiting` wait; false when both are full (nothing is counted, `run` never runs). `run` returning false
   * means it no longer wanted its turn (its client went away): the place goes to the next one.
   */
  enter(client: string, run: () => boolean | undefined): boolean {
    const n = this.inFlight.get(client) ?? 0;
    if (n < this.max) {
      this.inFlight.set(client, n + 1);
      if (run() === false) this.leave(client);
      return true;
    }
    const queue = this.waiting.get(client) ?? [];
    if (queue.length >= this.maxWaiting) return false;
    queue.push(run);
    this.waiting.set(client, queue);
    return true;
  }

  /** One of `client`'s requests finished: its place goes to the next waiting one, if any. */
  leave(client: string): void {
    for (;;) {
      const queue = this.waiting.get(client);
      const next = queue?.shift();
      if (queue && !queue.length) this.waiting.delete(client);
      if (!next) break;
      if (next() !== false) return; // the place passes on, the count stays
    }
    const n = this.inFlight.get(client) ?? 0;
    if (n <= 1) this.inFlight.delete(client);
    else this.inFlight.set(client, n - 1);
  }

  inFlightOf(client: string): number {
    return this.inFlight.get(client) ?? 0;
  }

  waitingOf(client: string): number {
    return this.waiting.get(client)?.length ?? 0;
  }

  /** Clients with anything in flight or waiting (the others are not kept). */
  get clients(): number {
    return new Set([...this.inFlight.keys(), ...this.waiting.keys()]).size;
  }
}
