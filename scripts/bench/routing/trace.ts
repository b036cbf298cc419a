// The routing-quality benchmark's seeded workload: Poisson arrivals, Zipf model popularity, prompt and
// output lengths from skewed distributions, a few prompts too long for the smallest context. Pure and seeded.

export interface TraceRequest {
  /** ms after the start */
  at: number;
  model: string;
  promptTokens: number;
  maxTokens: number;
}

/** mulberry32: a small seeded PRNG, 0 ≤ x < 1. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TraceSpec {
  seed: number;
  durationMs: number;
  ratePerSec: number;
  models: string[];
  zipfS: number;
  /** share of prompts longer than the smallest context */
  longShare: number;
  longTokens: [min: number, max: number];
}

export function makeTrace(spec: TraceSpec): TraceRequest[] {
  const rand = seeded(spec.seed);
  const weights = spec.models.map((_, i) => 1 / (i + 1) ** spec.zipfS);
  const total = weights.reduce((a, b) => a + b, 0);
  const pickModel = () => {
    let x = rand() * total;
    for (let i = 0; i < weights.length; i++) if ((x -= weights[i]) <= 0) return spec.models[i];
    return spec.models.at(-1)!;
  };
  const out: TraceRequest[] = [];
  for (let t = 0; ; ) {
    t += (-Math.log(1 - rand()) / spec.ratePerSec) * 1000; // exponential gaps: Poisson arrivals
    if (t >= spec.durationMs) break;
    const long = rand() < spec.longShare;
    const [lo, hi] = spec.longTokens;
    // log-uniform prompt lengths (50–1,500 tokens) and outputs (16–160 tokens)
    const promptTokens = long ? Math.round(lo + rand() * (hi - lo)) : Math.round(50 * 30 ** rand());
    out.push({ at: Math.round(t), model: pickModel(), promptTokens, maxTokens: Math.round(16 * 10 ** rand()) });
  }
  return out;
}
