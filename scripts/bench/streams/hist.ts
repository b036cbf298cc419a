// A histogram of durations that merges across processes: µs values kept to 4 significant digits (exact below
// 10 ms, within 0.1 % above), counted in a sparse map. Client child processes send theirs to the parent as
// [value µs, count] pairs, and percentiles are read from the sum, not averaged.

export interface Dist {
  p50: number;
  p99: number;
  max: number;
}

export type HistPairs = Array<[number, number]>;

const bucket = (us: number) => {
  const x = Math.max(0, Math.round(us));
  if (x < 10_000) return x;
  const unit = 10 ** (Math.floor(Math.log10(x)) - 3);
  return Math.round(x / unit) * unit;
};

export class Hist {
  readonly counts = new Map<number, number>();
  total = 0;

  add(ms: number): void {
    const b = bucket(ms * 1000);
    this.counts.set(b, (this.counts.get(b) ?? 0) + 1);
    this.total++;
  }

  merge(pairs: HistPairs): this {
    for (const [b, c] of pairs) {
      this.counts.set(b, (this.counts.get(b) ?? 0) + c);
      this.total += c;
    }
    return this;
  }

  pairs = (): HistPairs => [...this.counts.entries()];

  /** p50, p99 (nearest rank) and the maximum, in ms less `offsetMs`; NaN without samples. */
  dist(offsetMs = 0): Dist {
    if (!this.total) return { p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
    const sorted = [...this.counts.entries()].sort((a, b) => a[0] - b[0]);
    const at = (p: number) => {
      const rank = Math.max(1, Math.ceil((p / 100) * this.total));
      let seen = 0;
      for (const [b, c] of sorted) if ((seen += c) >= rank) return ms(b);
      return Number.NaN;
    };
    const ms = (us: number) => Math.round(us - offsetMs * 1000) / 1000;
    return { p50: at(50), p99: at(99), max: ms(sorted[sorted.length - 1][0]) };
  }
}
