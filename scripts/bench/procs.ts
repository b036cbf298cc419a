// Child processes the benchmark measures: the fake upstream and the production server.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { serverLaunch } from "../launch";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export interface Proc {
  proc: ChildProcess;
  url: string;
  pid: number;
  dataDir?: string;
  stop(): Promise<void>;
}

function waitForLine(proc: ChildProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        // from here on the output is drained, not kept: a server that logs every request (LLMLB_ACCESS_LOG=1)
        // would otherwise make this process search a growing string at each chunk and slow the run it measures
        proc.stdout!.off("data", onData);
        proc.stdout!.resume();
        resolve(m);
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", (d) => (out += d));
    proc.once("exit", (code) => reject(new Error(`${what} exited with ${code}:\n${out}`)));
  });
}

const stopper = (proc: ChildProcess) => () =>
  new Promise<void>((resolve) => {
    if (proc.exitCode !== null) return resolve();
    proc.once("exit", () => resolve());
    proc.kill("SIGTERM");
    setTimeout(() => proc.kill("SIGKILL"), 10_000).unref();
  });

/** A node process that prints `{"url": ...}` once it listens. */
async function startListening(args: string[], what: string, nice = 0): Promise<Proc> {
  // niced: through nice(1), so that every thread of the process has that priority (setpriority on a pid reaches
  // one thread), and in a session of its own — with the kernel's autogroups (/proc/sys/kernel/sched_autogroup_enabled)
  // a process's threads share one CPU share with their session, so a fake in the server's session would draw on
  // the server's share whatever its nice — whose group gets the same nice (/proc/PID/autogroup)
  const [cmd, argv] = nice ? ["nice", ["-n", String(nice), process.execPath, ...args]] : [process.execPath, args];
  const proc = spawn(cmd, argv, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: nice > 0 });
  if (nice > 0) {
    try {
      fs.writeFileSync(`/proc/${proc.pid}/autogroup`, String(nice));
    } catch {
      // no autogroups here: nice alone applies
    }
  }
  const m = await waitForLine(proc, /"url":"([^"]+)"/, what);
  return { proc, url: m[1], pid: proc.pid!, stop: stopper(proc) };
}

/** The fake OpenAI-compatible upstream, zero delay, in its own process. */
export const startFakeProcess = (args: string[]) =>
  startListening(["--import", "tsx", path.join(ROOT, "e2e/fakes/cli.ts"), ...args], "fake upstream");

/**
 * The 1,000-endpoint fake (scripts/bench/prefix-server.ts) in its own process at `nice` (0–19: the engines a
 * load balancer reads live on other machines; here they share its cores, and a higher nice keeps their CPU from
 * counting as the load balancer's).
 */
export async function startPrefixProcess(nice = 0): Promise<Proc & { hits(): Promise<number> }> {
  const p = await startListening(
    ["--import", "tsx", path.join(ROOT, "scripts/bench/prefix-server.ts")],
    "fake fleet",
    nice,
  );
  return { ...p, hits: async () => Number(await (await fetch(`${p.url}/hits`)).text()) };
}

/** The least a Node proxy can do (scripts/bench/minimal-proxy.mjs), for the ceiling measurement; MINIMAL_NODE_ARGS passes node flags (e.g. --perf-basic-prof). */
export const startMinimalProxy = (upstream: string, mode: "request" | "dispatch" | "stream") =>
  startListening(
    [
      ...(process.env.MINIMAL_NODE_ARGS ?? "").split(" ").filter(Boolean),
      path.join(ROOT, "scripts/bench/minimal-proxy.mjs"),
      upstream,
      mode,
    ],
    "minimal proxy",
  );

/** `name=value` as [name, value], split at the first `=`. */
export const splitAtEquals = (s: string): [string, string] => [s.slice(0, s.indexOf("=")), s.slice(s.indexOf("=") + 1)];

/** `--env NAME=value` options of a bench script as an environment for the server. */
export const envOptions = (pairs: string[]): Record<string, string> => Object.fromEntries(pairs.map(splitAtEquals));

/** The production build (dist/server.mjs) with its own temp database. */
export async function startServerProcess(
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
  script = process.env.LLMLB_TEST_SERVER ?? "dist/server.mjs",
): Promise<Proc> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "llmlb-bench-"));
  const launch = serverLaunch(ROOT); // as `npm run serve` runs it; `nodeArgs` after, so that a variant's flag wins
  const proc = spawn(process.execPath, [...launch.nodeArgs, ...nodeArgs, path.resolve(ROOT, script)], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      LLMLB_HOST: "127.0.0.1",
      LLMLB_PORT: "0",
      LLMLB_DATA_DIR: dataDir,
      LLMLB_ADMIN_PASSWORD: "bench-admin-password",
      LLMLB_DEBUG_KEYS: "1",
      LLMLB_LOG_LEVEL: "warn",
      ...launch.env,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const m = await waitForLine(proc, /LLMLB_READY port=(\d+)/, "server");
  const stop = stopper(proc);
  return {
    proc,
    url: `http://127.0.0.1:${m[1]}`,
    pid: proc.pid!,
    dataDir,
    // a bench run starts dozens of servers, each on a database of its own: none is kept
    stop: () => stop().then(() => fs.rmSync(dataDir, { recursive: true, force: true })),
  };
}

/** The server's V8 heap bytes per thread ("main", "control") and kind ("used", "total"), from /metrics. */
export async function heapBytes(url: string): Promise<(thread: string, kind: string) => number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: "Bearer sk_debug" } })).text();
  return (thread, kind) =>
    Number(new RegExp(`llmlb_heap_bytes\\{thread="${thread}",kind="${kind}"\\} (\\d+)`).exec(text)?.[1] ?? Number.NaN);
}

/** utime + stime of a process in milliseconds (Linux /proc). */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // CLK_TCK is 100 on Linux
}

/** utime + stime per thread name in milliseconds (Linux /proc/PID/task), threads of one name summed. */
export function cpuMsByThread(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = tid === String(pid) ? "main" : stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out[name] = (out[name] ?? 0) + ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/**
 * A thread's time on a CPU and waiting for one while runnable, in ms (Linux /proc/PID/task/TID/schedstat, ns): the
 * wait is what the scheduler, not the thread's own work, adds to its latency.
 */
export function schedMs(pid: number, tid = pid): { run: number; wait: number } {
  const [run, wait] = fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ").map(Number);
  return { run: run / 1e6, wait: wait / 1e6 };
}

/** A field of /proc/PID/smaps_rollup ("Rss", "Anonymous", …) in bytes, read once for every field asked. */
export function smapsRollup(pid: number): (field: string) => number {
  const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  return (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? 0) * 1024;
}

export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

export async function json(url: string, init: RequestInit & { key?: string } = {}) {
  const res = await fetch(url, {
    ...init,
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${init.key ?? "sk_debug"}`,
      ...(init.headers ?? {}),
    },
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
}

/**
 * The production server with the fake registered through the API (online, models synced) and a real client key
 * (hashed, cached) rather than a debug key, so that the full auth path is measured.
 */
export async function startLoadBalancer(
  fake: Proc,
  nodeArgs: string[] = [],
  script?: string,
  env: Record<string, string> = {},
): Promise<{ server: Proc; key: string }> {
  const server = await startServerProcess(env, nodeArgs, script);
  const ep = (await json(`${server.url}/api/endpoints`, {
    method: "POST",
    body: JSON.stringify({ name: "bench", base_url: fake.url }),
  })) as { id: string };
  for (let i = 0; i < 100; i++) {
    const d = await json(`${server.url}/api/endpoints/${ep.id}`);
    if (d.status === "online" && Number(d.model_count) > 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const key = (await json(`${server.url}/api/api-keys`, {
    method: "POST",
    body: JSON.stringify({ name: "bench", permissions: ["openai.inference", "openai.models.read"] }),
  })) as { key: string };
  return { server, key: key.key };
}
