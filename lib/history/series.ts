// Pure time-bucket maths for history and overview charts.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const STEPS = [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 24 * HOUR];

/** The smallest bucket from a fixed ladder that covers `spanMs` in at most `maxBuckets` bars. */
export function pickBucketMs(spanMs: number, maxBuckets = 60): number {
  return STEPS.find((s) => spanMs / s <= maxBuckets) ?? STEPS[STEPS.length - 1];
}

export interface BucketRow {
  bucket: number;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
}

export interface SeriesPoint {
  t: string;
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
}

/** One point per bucket from the one holding `from` to the one holding `to`; empty buckets are zeros. */
export function fillSeries(rows: BucketRow[], from: number, to: number, bucketMs: number): SeriesPoint[] {
  const byBucket = new Map(rows.map((r) => [r.bucket, r]));
  const out: SeriesPoint[] = [];
  const last = Math.floor(to / bucketMs) * bucketMs;
  for (let b = Math.floor(from / bucketMs) * bucketMs; b <= last; b += bucketMs) {
    const r = byBucket.get(b);
    out.push({
      t: new Date(b).toISOString(),
      requests: r?.requests ?? 0,
      errors: r?.errors ?? 0,
      prompt_tokens: r?.promptTokens ?? 0,
      completion_tokens: r?.completionTokens ?? 0,
    });
  }
  return out;
}

/** Zero-based index of the nearest-rank percentile `p` (0–1) in a sorted list of `n` values; null when empty. */
export function rankIndex(n: number, p: number): number | null {
  if (n <= 0) return null;
  return Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1));
}
