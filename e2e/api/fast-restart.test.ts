// `npm start` builds only when the build is missing or older than the sources, under a lock (scripts/build.mjs).
// Builds into its own directories (.next-restart-test, dist-restart-test) so the suite's build is untouched.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../../lib/testing/temp-dir";

const ROOT = path.resolve(import.meta.dirname, "../..");
const NEXT_DIR = ".next-restart-test";
const OUT_DIR = "dist-restart-test";
const procs: ChildProcess[] = [];
// next build adds a custom build directory's types to tsconfig.json: put it back as it was, mtime included
const TSCONFIG = path.join(ROOT, "tsconfig.json");
const tsconfig = { text: fs.readFileSync(TSCONFIG, "utf8"), stat: fs.statSync(TSCONFIG) };

interface Started {
  proc: ChildProcess;
  output: () => string;
  /** ms from spawn until /api/health answered 200 */
  healthyAfterMs: number;
}

async function npmStart(): Promise<Started> {
  const started = Date.now();
  const proc: ChildProcess = spawn("npm", ["start", "--silent"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      LLMLB_NEXT_DIST_DIR: NEXT_DIR,
      LLMLB_SERVER_OUT: `${OUT_DIR}/server.mjs`,
      LLMLB_HOST: "127.0.0.1",
      LLMLB_PORT: "0",
      LLMLB_DATA_DIR: tempDir("llmlb-restart-"),
      LLMLB_ADMIN_PASSWORD: "admin-password-1",
      LLMLB_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: npm, the node under it and its worker stop together
  });
  procs.push(proc);
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d));
  proc.stderr!.on("data", (d: Buffer) => (out += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in time:\n${out}`)), 300_000);
    proc.stdout!.on("data", () => {
      const m = /LLMLB_READY port=(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${out}`));
    });
  });
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { proc, output: () => out, healthyAfterMs: Date.now() - started };
}

async function stop(s: Started) {
  if (s.proc.exitCode !== null) return;
  const exited = new Promise((r) => s.proc.once("exit", r));
  process.kill(-s.proc.pid!, "SIGTERM");
  await exited;
}

afterAll(() => {
  for (const p of procs)
    if (p.exitCode === null && p.pid)
      try {
        process.kill(-p.pid, "SIGKILL");
      } catch {}
  for (const d of [NEXT_DIR, OUT_DIR]) fs.rmSync(path.join(ROOT, d), { recursive: true, force: true });
  fs.rmSync(path.join(ROOT, `${OUT_DIR}.build-lock`), { force: true });
  fs.writeFileSync(TSCONFIG, tsconfig.text);
  fs.utimesSync(TSCONFIG, tsconfig.stat.atime, tsconfig.stat.mtime);
});

describe("npm start", () => {
  it("builds when there is no build, not again on a restart, and once for two instances after a touch", {
    timeout: 900_000,
  }, async () => {
    fs.rmSync(path.join(ROOT, NEXT_DIR), { recursive: true, force: true });
    fs.rmSync(path.join(ROOT, OUT_DIR), { recursive: true, force: true });

    const first = await npmStart();
    expect(first.output()).toContain("llmlb: building: no build yet");
    await stop(first);

    const second = await npmStart();
    console.log(`restart with an up-to-date build: /api/health answered after ${second.healthyAfterMs} ms`);
    expect(second.output()).not.toContain("building:");
    expect(second.output()).toContain("build is up to date: not building");
    expect(second.output()).toContain("llmlb: Dashboard: http://127.0.0.1:");
    expect(second.output()).toContain("llmlb: API keys: create one in the dashboard");
    expect(second.healthyAfterMs).toBeLessThan(10_000);
    await stop(second);

    // touch a source file, then start two instances at once in this directory: one builds, the other waits
    const touched = path.join(ROOT, "lib/server/startup-banner.ts");
    const { atime, mtime } = fs.statSync(touched);
    const now = new Date();
    fs.utimesSync(touched, now, now);
    try {
      const [a, b] = await Promise.all([npmStart(), npmStart()]);
      const both = a.output() + b.output();
      expect(both.match(/llmlb: building: sources changed since the last build/g)).toHaveLength(1);
      expect(both).toMatch(/another build is running \(pid \d+\): waiting for it/);
      expect(both).toContain("build is up to date: not building");
      await Promise.all([stop(a), stop(b)]);
    } finally {
      fs.utimesSync(touched, atime, mtime);
    }
  });
});
