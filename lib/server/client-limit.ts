/**
 * Requests in flight per client, capped: one client (one address) cannot take the whole of a shared capacity.
 * Pure bookkeeping, no clock: the caller acquires before dispatching and releases when the response closes.
 */
export class ClientLimiter {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Counts one more request for `client`; false (nothing counted) when it already has `max` in flight. */
  tryAcquire(client: string): boolean {
    const n = this.inFlight.get(client) ?? 0;
    if (n >= this.max) return false;
    this.inFlight.set(client, n + 1);
    return true;
  }

  release(client: string): void {
    const n = this.inFlight.get(client) ?? 0;
    if (n <= 1) this.inFlight.delete(client);
    else this.inFlight.set(client, n - 1);
  }

  /** In flight for `client` (0 when unknown); clients with none are not kept. */
  count(client: string): number {
    return this.inFlight.get(client) ?? 0;
  }

  get clients(): number {
    return this.inFlight.size;
  }
}
