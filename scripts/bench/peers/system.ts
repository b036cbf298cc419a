// What the peer benchmark needs from the machine: free loopback ports, Debian packages installed when missing,
// a process with its children (nginx's workers), their CPU time and RSS, and the open-file limit.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { cpuMs, rssMb, type Proc } from "../procs";

export const log = (msg: string) => process.stdout.write(`[bench] ${msg}\n`);

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.once("error", reject);
  });

const connects = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => resolve(!!s.destroy()));
    s.once("error", () => resolve(false));
  });

/** Starts `cmd` and resolves once 127.0.0.1:`port` accepts connections; rejects with its output if it exits. */
export async function startOnPort(
  what: string,
  cmd: string,
  args: string[],
  port: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Proc> {
  const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env });
  let out = "";
  const keep = (d: Buffer) => void (out.length < 20_000 && (out += d));
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
  const exited = new Promise<never>((_, reject) =>
    proc.once("exit", (code) => reject(new Error(`${what} exited with ${code}:\n${out}`))),
  );
  const until = Date.now() + 30_000;
  while (!(await Promise.race([connects(port), exited]))) {
    if (Date.now() > until) throw new Error(`${what} did not listen on ${port}:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  exited.catch(() => {}); // a later exit is the stop
  return { proc, url: `http://127.0.0.1:${port}`, pid: proc.pid!, stop: () => stopProc(proc) };
}

function stopProc(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once("exit", () => resolve());
    proc.kill("SIGTERM");
    setTimeout(() => proc.kill("SIGKILL"), 5_000).unref();
  });
}

const which = (bins: string[]) => bins.find((b) => fs.existsSync(b));

/**
 * The path of a Debian package's binary, installing the package with apt-get when it is missing and this process
 * may (root, or sudo without a password); otherwise null, after saying how to install it.
 */
export function debianBinary(pkg: string, bins: string[]): string | null {
  const found = which(bins);
  if (found) return found;
  const root = process.getuid?.() === 0;
  const sudo = !root && spawnSync("sudo", ["-n", "true"]).status === 0;
  if (!root && !sudo) {
    log(`${pkg} is not installed and this user cannot install it: run \`sudo apt-get install -y ${pkg}\``);
    return null;
  }
  const apt = (args: string[]) =>
    spawnSync(root ? "apt-get" : "sudo", root ? args : ["-n", "apt-get", ...args], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    }).status === 0;
  log(`installing ${pkg} with apt-get (its binary only is used, never the system service)`);
  if (!apt(["install", "-y", "--no-install-recommends", pkg])) {
    apt(["update"]);
    apt(["install", "-y", "--no-install-recommends", pkg]);
  }
  const bin = which(bins);
  if (!bin) log(`${pkg} could not be installed: run \`apt-get install -y ${pkg}\` by hand`);
  return bin ?? null;
}

/** `pid` and every process descending from it (nginx's master and its workers). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended between the listing and the read
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

const sum = (pids: number[], f: (pid: number) => number) =>
  pids.reduce((acc, p) => {
    try {
      return acc + f(p);
    } catch {
      return acc; // ended meanwhile
    }
  }, 0);

/** utime + stime (ms) of the process and its descendants, all threads. */
export const treeCpuMs = (pid: number) => sum(processTree(pid), cpuMs);
/** RSS (MB) of the process and its descendants, summed (pages they share count once per process). */
/**
 * Waits until the given processes (with their descendants) are quiet — under `idleMs` of CPU in a second, twice in a
 * row — or `maxS` seconds have passed; returns the seconds waited. A proxy that does not stop its upstream requests
 * when the client goes (Portkey) keeps the fake streaming for up to a stream's length after its turn, which would
 * otherwise be measured as the next target's.
 */
export async function quiet(pids: number[], idleMs = 30, maxS = 120): Promise<number> {
  const started = Date.now();
  let calm = 0;
  while (calm < 2 && Date.now() - started < maxS * 1000) {
    const before = sum(pids, treeCpuMs);
    await new Promise((r) => setTimeout(r, 1000));
    calm = sum(pids, treeCpuMs) - before < idleMs ? calm + 1 : 0;
  }
  return Math.round((Date.now() - started) / 1000);
}

export const treeRssMb = (pid: number) => Math.round(sum(processTree(pid), rssMb) * 10) / 10;

/** This process's open-file limits, from /proc/self/limits: children inherit them. */
export function fileLimit(): { soft: number; hard: number } {
  const line = /Max open files\s+(\S+)\s+(\S+)/.exec(fs.readFileSync("/proc/self/limits", "utf8"));
  const n = (s: string | undefined) => (s === undefined || s === "unlimited" ? Infinity : Number(s));
  return { soft: n(line?.[1]), hard: n(line?.[2]) };
}
