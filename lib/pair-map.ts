/** Values per pair of string keys, in nested maps, so the hot path builds no key string per request. */
export class PairMap<T> {
  private readonly byFirst = new Map<string, Map<string, T>>();

  get(first: string, second: string): T | undefined {
    return this.byFirst.get(first)?.get(second);
  }

  has(first: string, second: string): boolean {
    return this.byFirst.get(first)?.has(second) ?? false;
  }

  set(first: string, second: string, value: T): void {
    let inner = this.byFirst.get(first);
    if (!inner) this.byFirst.set(first, (inner = new Map()));
    inner.set(second, value);
  }

  /** Drops every value whose first key `keep` rejects. */
  retainFirst(keep: (first: string) => boolean): void {
    for (const key of this.byFirst.keys()) if (!keep(key)) this.byFirst.delete(key);
  }

  *entries(): IterableIterator<[first: string, second: string, value: T]> {
    for (const [first, inner] of this.byFirst) for (const [second, value] of inner) yield [first, second, value];
  }

  clone(): PairMap<T> {
    const copy = new PairMap<T>();
    for (const [first, inner] of this.byFirst) copy.byFirst.set(first, new Map(inner));
    return copy;
  }
}
