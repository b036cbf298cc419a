// The control path (dashboard and /api, behind the main thread) and the management reads from upstreams, under
// abuse: slow request bodies, one client's flood, a re-pointed endpoint's stored key, oversized or slow upstream
// answers, model ids that walk the upstream's paths, and the control socket's directory after a crash.
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../harness/server";
import { call } from "../harness/http";
import { registerOnline, waitDetail } from "../harness/endpoints";
import { startFake, startHangServer, type FakeKind, type FakeOptions, type FakeUpstream } from "../fakes/upstream";

const KEY = "sk_debug";
const BODY_TIMEOUT_SECS = 3;

let s: TestServer;
const fakes: FakeUpstream[] = [];
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  s = await startServer({ env: { LLMLB_HEALTH_CHECK_TIMEOUT_MS: "3000", LLMLB_BODY_TIMEOUT_SECS: String(BODY_TIMEOUT_SECS) } });
});
afterAll(async () => {
  await Promise.all([s?.stop(), ...fakes.map((f) => f.stop()), ...stops.map((stop) => stop())]);
});

async function fake(kind: FakeKind, opts: Partial<FakeOptions> = {}): Promise<FakeUpstream> {
  const f = await startFake({ kind, ...opts });
  fakes.push(f);
  return f;
}

let seq = 0;
const name = () => `control-${++seq}`;

/** A request whose headers promise `declared` body bytes, of which only `sent` go out; the rest never comes. */
function slowBody(reqPath: string, opts: { declared?: number; sent?: string; headers?: Record<string, string> } = {}) {
  const socket = net.connect(s.port, "127.0.0.1");
  socket.on("error", () => {});
  const sent = opts.sent ?? "0123456789";
  const head = [`POST ${reqPath} HTTP/1.1`, `Host: 127.0.0.1:${s.port}`, `Content-Length: ${opts.declared ?? 100_000}`];
  for (const [k, v] of Object.entries(opts.headers ?? { "Content-Type": "application/x-www-form-urlencoded" })) head.push(`${k}: ${v}`);
  socket.write(head.join("\r\n") + "\r\n\r\n" + sent);
  let received = "";
  socket.on("data", (d) => (received += d));
  const closed = new Promise<string>((resolve) => socket.once("close", () => resolve(received)));
  return { socket, closed };
}

async function timedHealth(): Promise<{ ms: number; status: number | string }> {
  const t0 = performance.now();
  try {
    const r = await fetch(`${s.url}/api/health`, { signal: AbortSignal.timeout(5000) });
    await r.text();
    return { ms: performance.now() - t0, status: r.status };
  } catch (err) {
    return { ms: performance.now() - t0, status: String(err) };
  }
}

/** A GET with the path sent exactly as written (fetch would normalise `..` segments). */
function rawGet(reqPath: string, key = KEY): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: s.port, path: reqPath, headers: { authorization: `Bearer ${key}` } }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** The directory of the control socket a server process listens on, from /proc (works whatever it is named). */
function controlSocketDir(pid: number): string | null {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  for (const line of fs.readFileSync("/proc/net/unix", "utf8").split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length >= 8 && inodes.has(cols[6]) && cols[7].endsWith("control.sock")) return path.dirname(cols[7]);
  }
  return null;
}

describe("crash clean-up", () => {
  it("a kill -9 leaves the control socket's directory; the next start removes it", async () => {
    const first = await startServer();
    const dir = controlSocketDir(first.proc.pid!);
    expect(dir).not.toBeNull();
    await first.stop("SIGKILL");
    expect(fs.existsSync(dir!)).toBe(true);
    const second = await startServer();
    try {
      expect(fs.existsSync(dir!), dir!).toBe(false);
      expect(controlSocketDir(second.proc.pid!)).not.toBeNull();
    } finally {
      await second.stop();
    }
  }, 60_000);
});
