// Per (endpoint, model) counters of the /v1 thread, kept in memory per request and handed to the control thread
// once a second (which writes endpoint_model_stats and the daily roll-up). The TPS EMA is the routing table's.
import type { StatsDelta } from "../endpoints/stats";
import { PairMap } from "../pair-map";
import { modelKey } from "./model-name";

const FLUSH_MS = 1000;

export class Accountant {
  /** per pair: the counters since the last flush */
  private pending = new PairMap<StatsDelta>();
  private dirty: StatsDelta[] = [];
  private timer: NodeJS.Timeout | null = null;

  /** `sink` takes each flush's deltas (the control thread's writer). */
  constructor(private readonly sink: (deltas: StatsDelta[], at: number) => void) {}

  /** Records one finished request with the pair's TPS EMA after it. */
  record(e: {
    endpointId: string;
    model: string;
    ok: boolean;
    completionTokens: number;
    generationMs: number;
    tpsEma: number | null;
  }): void {
    const modelId = modelKey(e.model);
    let d = this.pending.get(e.endpointId, modelId);
    if (!d) {
      d = {
        endpointId: e.endpointId,
        modelId,
        requests: 0,
        successes: 0,
        failures: 0,
        outputTokens: 0,
        generationMs: 0,
        tpsEma: null,
      };
      this.pending.set(e.endpointId, modelId, d);
      this.dirty.push(d);
    }
    d.requests++;
    if (e.ok) {
      d.successes++;
      d.outputTokens += e.completionTokens;
      d.generationMs += e.generationMs;
    } else d.failures++;
    d.tpsEma = e.tpsEma;
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.dirty.length) return;
    const deltas = this.dirty;
    this.dirty = [];
    this.pending = new PairMap();
    this.sink(deltas, Date.now());
  }
}
