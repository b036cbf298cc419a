// Load generation: precise sequential latency with an undici Pool, and throughput with autocannon.
import { Pool, type Dispatcher } from "undici";
import autocannon from "autocannon";

export interface Target {
  label: string;
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

/**
 * A response check: `ok` says whether a 200 answer's body is the expected one; a failed check or another status
 * counts in `bad` (and no time is kept) instead of throwing, so a target that fails fast cannot look fast.
 */
export interface Check {
  ok(body: string): boolean;
  bad: number;
}

/** `n` sequential requests on one keep-alive connection; `until` says when a request counts as done. */
async function sequential(
  t: Target,
  path: string,
  body: string,
  n: number,
  until: (res: Dispatcher.ResponseData) => Promise<boolean>,
  check?: Check,
): Promise<number[]> {
  const pool = new Pool(t.url, { connections: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const res = await pool
        .request({ path, method: "POST", headers: { ...t.headers, "content-type": "application/json" }, body })
        .catch((err) => {
          if (!check) throw err;
          return null;
        });
      if (!res) {
        check!.bad++;
        continue;
      }
      if (res.statusCode !== 200 && !check) throw new Error(`${t.label} answered ${res.statusCode}`);
      const good = res.statusCode === 200 && (await until(res));
      if (good) times.push(performance.now() - t0);
      else if (check) check.bad++;
      await res.body.dump();
    }
  } finally {
    await pool.close();
  }
  return times;
}

/** Each duration (ms) to the last body byte; with `check`, only of the answers that pass it. */
export const sequentialLatency = (t: Target, path: string, body: string, n: number, check?: Check) =>
  sequential(
    t,
    path,
    body,
    n,
    async (res) => {
      if (!check) {
        await res.body.arrayBuffer();
        return true;
      }
      return check.ok(await res.body.text());
    },
    check,
  );

/** Time to the first body byte of a streamed answer. */
export const timeToFirstByte = (t: Target, path: string, body: string, n: number) =>
  sequential(
    t,
    path,
    body,
    n,
    (res) => new Promise((resolve, reject) => res.body.once("data", () => resolve(true)).once("error", reject)),
  );

export interface Throughput {
  rps: number;
  total: number;
  errors: number;
  non2xx: number;
  /** Answers `verifyBody` rejected. */
  mismatches: number;
  p50: number;
  p99: number;
}

export async function throughput(
  t: Target,
  path: string,
  body: string,
  connections: number,
  seconds: number,
  verifyBody?: (body: string) => boolean,
): Promise<Throughput> {
  const r = await autocannon({
    url: t.url + path,
    method: "POST",
    headers: { ...t.headers, "content-type": "application/json" },
    body,
    connections,
    duration: seconds,
    ...(verifyBody && { verifyBody: (b: string | Buffer | undefined) => verifyBody(String(b ?? "")) }),
  });
  return {
    rps: r.requests.average,
    total: r.requests.total,
    errors: r.errors,
    non2xx: r.non2xx,
    mismatches: r.mismatches,
    p50: r.latency.p50,
    p99: r.latency.p99,
  };
}
