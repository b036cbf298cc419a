/** Sliding-window counter of failures per key: pure apart from its own memory; the clock is injected. */
export class FailureLimiter {
  private failures = new Map<string, number[]>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds until the key may try again, or 0 when it may try now. */
  retryAfter(key: string, now = Date.now()): number {
    const list = this.recent(key, now);
    if (list.length < this.limit) return 0;
    return Math.max(1, Math.ceil((list[0] + this.windowMs - now) / 1000));
  }

  fail(key: string, now = Date.now()): void {
    this.failures.set(key, [...this.recent(key, now), now]);
    if (this.failures.size > this.maxKeys) this.prune(now);
  }

  /** Drops keys whose failures have all left the window, so random usernames cannot grow memory without bound. */
  private prune(now: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
  }

  get size(): number {
    return this.failures.size;
  }

  reset(key: string): void {
    this.failures.delete(key);
  }
}
