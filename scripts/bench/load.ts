// Load generation: precise sequential latency with an undici Pool, and throughput with autocannon.
import { Pool } from "undici";
import autocannon from "autocannon";

export interface Target {
  label: "direct" | "lb";
  url: string;
  headers: Record<string, string>;
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
export const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

/** `n` sequential requests on one keep-alive connection; returns each duration (ms) to the last body byte. */
export async function sequentialLatency(t: Target, path: string, body: string, n: number): Promise<number[]> {
  const pool = new Pool(t.url, { connections: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const res = await pool.request({ path, method: "POST", headers: { ...t.headers, "content-type": "application/json" }, body });
      await res.body.arrayBuffer();
      if (res.statusCode !== 200) throw new Error(`${t.label} answered ${res.statusCode}`);
      times.push(performance.now() - t0);
    }
  } finally {
    await pool.close();
  }
  return times;
}

/** Time to the first body byte of a streamed answer, sequentially on one connection. */
export async function timeToFirstByte(t: Target, path: string, body: string, n: number): Promise<number[]> {
  const pool = new Pool(t.url, { connections: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const res = await pool.request({ path, method: "POST", headers: { ...t.headers, "content-type": "application/json" }, body });
      let first = true;
      for await (const _chunk of res.body) {
        if (first) {
          times.push(performance.now() - t0);
          first = false;
        }
      }
    }
  } finally {
    await pool.close();
  }
  return times;
}

export interface Throughput {
  rps: number;
  total: number;
  errors: number;
  non2xx: number;
  p50: number;
  p99: number;
}

export async function throughput(t: Target, path: string, body: string, connections: number, seconds: number): Promise<Throughput> {
  const r = await autocannon({
    url: t.url + path,
    method: "POST",
    headers: { ...t.headers, "content-type": "application/json" },
    body,
    connections,
    duration: seconds,
  });
  return { rps: r.requests.average, total: r.requests.total, errors: r.errors, non2xx: r.non2xx, p50: r.latency.p50, p99: r.latency.p99 };
}
