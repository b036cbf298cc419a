// Starts the real production server (dist/server.mjs) on a free port with its own temp database.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createClient, type Client } from "@libsql/client";
import { serverLaunch } from "../../scripts/launch";
import { tempDir } from "../../lib/testing/temp-dir";

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  dbFile: string;
  proc: ChildProcess;
  output(): string;
  /** a fresh client on the same database file, for assertions */
  db(): Client;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const ROOT = path.resolve(import.meta.dirname, "../..");
/** The built server under test; LLMLB_TEST_SERVER points elsewhere when several builds coexist. */
const SERVER_BIN = path.resolve(ROOT, process.env.LLMLB_TEST_SERVER ?? "dist/server.mjs");
export const ADMIN = { username: "admin", password: "admin-password-1" };
/** The Next build the server loads: LLMLB_NEXT_DIST_DIR is passed through so that each build tests itself. */
const DIST_ENV: Record<string, string> = process.env.LLMLB_NEXT_DIST_DIR
  ? { LLMLB_NEXT_DIST_DIR: process.env.LLMLB_NEXT_DIST_DIR }
  : {};

/** `nodeArgs` go before the script, so the control thread inherits them too (NODE_OPTIONS would not reach it). */
export async function startServer(
  opts: { env?: Record<string, string>; dataDir?: string; port?: number; nodeArgs?: string[] } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDir("llmlb-test-");
  const launch = serverLaunch(ROOT); // as `npm run serve` runs it
  const proc = spawn(process.execPath, [...launch.nodeArgs, ...(opts.nodeArgs ?? []), SERVER_BIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      ...DIST_ENV,
      LLMLB_HOST: "127.0.0.1",
      LLMLB_PORT: String(opts.port ?? 0),
      LLMLB_DATA_DIR: dataDir,
      LLMLB_ADMIN_USERNAME: ADMIN.username,
      LLMLB_ADMIN_PASSWORD: ADMIN.password,
      LLMLB_DEBUG_KEYS: "1",
      LLMLB_LOG_LEVEL: "info",
      ...launch.env,
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (out += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    const onData = () => {
      const m = /LLMLB_READY port=(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout!.on("data", onData);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  const dbFile = path.join(dataDir, "llmlb.db");
  const clients: Client[] = [];
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    dbFile,
    proc,
    output: () => out,
    db: () => {
      // the server writes this file from its own connections: wait for its writer (as the server's client does)
      // instead of failing SQLITE_BUSY when a seeding statement lands during a scheduler write
      const url = opts.env?.LLMLB_DATABASE_URL ?? `file:${dbFile}`;
      const c = createClient({ url, ...(url.startsWith("file:") ? { timeout: 10_000 } : {}) });
      clients.push(c);
      return c;
    },
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        for (const c of clients) c.close();
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve(proc.exitCode);
        proc.once("exit", (code) => resolve(code));
        proc.kill(signal);
      }),
  };
}

/** Runs the server binary expecting it to fail at start; resolves with exit code and output. */
export function runServerExpectingFailure(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [SERVER_BIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "production",
        ...DIST_ENV,
        LLMLB_DATA_DIR: tempDir("llmlb-bad-"),
        ...env,
      },
    });
    let output = "";
    proc.stdout.on("data", (d) => (output += d));
    proc.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
    proc.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
