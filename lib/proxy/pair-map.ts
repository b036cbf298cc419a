/** Values per (endpoint id, model key) in nested maps, so the hot path builds no key string per request. */
export class PairMap<T> {
  private readonly byEndpoint = new Map<string, Map<string, T>>();

  get(endpointId: string, model: string): T | undefined {
    return this.byEndpoint.get(endpointId)?.get(model);
  }

  has(endpointId: string, model: string): boolean {
    return this.byEndpoint.get(endpointId)?.has(model) ?? false;
  }

  set(endpointId: string, model: string, value: T): void {
    let inner = this.byEndpoint.get(endpointId);
    if (!inner) this.byEndpoint.set(endpointId, (inner = new Map()));
    inner.set(model, value);
  }

  /** Drops every value of the endpoints `keep` rejects. */
  retainEndpoints(keep: (endpointId: string) => boolean): void {
    for (const id of this.byEndpoint.keys()) if (!keep(id)) this.byEndpoint.delete(id);
  }

  *entries(): IterableIterator<[endpointId: string, model: string, value: T]> {
    for (const [endpointId, inner] of this.byEndpoint) for (const [model, value] of inner) yield [endpointId, model, value];
  }

  clone(): PairMap<T> {
    const copy = new PairMap<T>();
    for (const [endpointId, inner] of this.byEndpoint) copy.byEndpoint.set(endpointId, new Map(inner));
    return copy;
  }
}
