// Load generation: precise sequential latency with an undici Pool, and throughput with autocannon.
import { Pool, type Dispatcher } from "undici";
import autocannon from "autocannon";

export interface Target {
  label: "direct" | "lb";
  url: string;
  headers: Record<string, string>;
}

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
export const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

/** `n` sequential requests on one keep-alive connection; `until` says when a request counts as done. */
async function sequential(
  t: Target,
  path: string,
  body: string,
  n: number,
  until: (res: Dispatcher.ResponseData) => Promise<void>,
): Promise<number[]> {
  const pool = new Pool(t.url, { connections: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const res = await pool.request({
        path,
        method: "POST",
        headers: { ...t.headers, "content-type": "application/json" },
        body,
      });
      if (res.statusCode !== 200) throw new Error(`${t.label} answered ${res.statusCode}`);
      await until(res);
      times.push(performance.now() - t0);
      await res.body.dump();
    }
  } finally {
    await pool.close();
  }
  return times;
}

/** Each duration (ms) to the last body byte. */
export const sequentialLatency = (t: Target, path: string, body: string, n: number) =>
  sequential(t, path, body, n, async (res) => void (await res.body.arrayBuffer()));

/** Time to the first body byte of a streamed answer. */
export const timeToFirstByte = (t: Target, path: string, body: string, n: number) =>
  sequential(
    t,
    path,
    body,
    n,
    (res) => new Promise((resolve, reject) => res.body.once("data", () => resolve()).once("error", reject)),
  );

export interface Throughput {
  rps: number;
  total: number;
  errors: number;
  non2xx: number;
  p50: number;
  p99: number;
}

export async function throughput(
  t: Target,
  path: string,
  body: string,
  connections: number,
  seconds: number,
): Promise<Throughput> {
  const r = await autocannon({
    url: t.url + path,
    method: "POST",
    headers: { ...t.headers, "content-type": "application/json" },
    body,
    connections,
    duration: seconds,
  });
  return {
    rps: r.requests.average,
    total: r.requests.total,
    errors: r.errors,
    non2xx: r.non2xx,
    p50: r.latency.p50,
    p99: r.latency.p99,
  };
}
