/**
 * A cache of credential lookups that an invalidation cannot be overtaken by. A lookup takes the epoch before it
 * asks the database and stores its answer with that epoch; clear() starts a new epoch, so an answer read before
 * a revocation (a slow query still in flight when the cache was cleared) is returned to its caller but never
 * cached. Pure apart from its own memory.
 */
export class EpochCache<V> {
  private entries = new Map<string, V>();
  private current = 0;
  constructor(private readonly maxEntries = 10_000) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The epoch to hand to set() once the lookup that starts now has its answer. */
  epoch(): number {
    return this.current;
  }

  /** Stores the answer of a lookup that began in `epoch`, unless the cache was cleared since. True if stored. */
  set(key: string, value: V, epoch: number): boolean {
    if (epoch !== this.current) return false;
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) this.entries.clear(); // bounded; no epoch change needed
    this.entries.set(key, value);
    return true;
  }

  /** Drops every entry and every answer still being looked up. */
  clear(): void {
    this.entries.clear();
    this.current++;
  }

  get size(): number {
    return this.entries.size;
  }
}
