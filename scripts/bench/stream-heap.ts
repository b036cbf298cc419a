// Where an open stream's memory goes: holds N streams through one build of the server and compares the main
// thread's V8 heap (a heap snapshot before and while they are open, grouped by constructor) and the process's
// RSS and the main thread's heap (/metrics llmlb_heap_bytes) before and during.
//   ulimit -n 20000; npx tsx scripts/bench/stream-heap.ts --n 2000 [--server dist/server.mjs] [--top 40] [--no-snapshot]
//     [--spaces] (heap spaces and GC counts, preloading heap-spaces.cjs) [--env NAME=value] [--node-arg --flag]
//     [--load-seconds S] [--settle-seconds T] (first S s of plain requests at 50 connections, then T s idle: a
//     server that has served traffic, as the --peers run's is when its streams turn comes)
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { heapBytes, rssMb, startFakeProcess, startLoadBalancer } from "./procs";
import { PATH, PLAIN, streamFake } from "./streams/fanout";
import { streamRequest } from "./streams/hold";
import { throughput } from "./load";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "2000" },
    server: { type: "string", default: "dist/server.mjs" },
    top: { type: "string", default: "40" },
    "no-snapshot": { type: "boolean" },
    /** the main thread's heap spaces and memoryUsage, from a preload (heap-spaces.cjs) */
    spaces: { type: "boolean" },
    /** NAME=value for the server's environment (e.g. glibc's MALLOC_* tunables, to tell native memory apart) */
    env: { type: "string", multiple: true },
    /** a node flag for the server */
    "node-arg": { type: "string", multiple: true },
    "load-seconds": { type: "string", default: "0" },
    "settle-seconds": { type: "string", default: "0" },
  },
});
const n = Number(values.n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => process.stdout.write(`[stream-heap] ${msg}\n`);

/** Rss (KB) per mapping of /proc/PID/smaps, keyed by address range and name. */
function smaps(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let key = "";
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const mb = Math.round((parseInt(head[2], 16) - parseInt(head[1], 16)) / 1048576);
      key = `${head[1]} ${head[3]} ${mb}MB ${head[4] || "[anon]"}`;
    } else if (line.startsWith("Rss:")) out.set(key, Number(/\d+/.exec(line)![0]));
  }
  return out;
}

async function mainHeap(url: string) {
  const heap = await heapBytes(url);
  return { used: heap("main", "used") / 1048576, total: heap("main", "total") / 1048576 };
}

/** self size and count per "type:name" of a .heapsnapshot file */
function summarize(file: string) {
  const snap = JSON.parse(fs.readFileSync(file, "utf8"));
  const f = snap.snapshot.meta.node_fields as string[];
  const types = snap.snapshot.meta.node_types[0] as string[];
  const [iType, iName, iSize] = ["type", "name", "self_size"].map((k) => f.indexOf(k));
  const nodes = snap.nodes as number[];
  const strings = snap.strings as string[];
  const out = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < nodes.length; i += f.length) {
    const type = types[nodes[i + iType]];
    let name = strings[nodes[i + iName]];
    if (type === "string" || type === "concatenated string" || type === "sliced string") name = "";
    if (type === "code") name = name.slice(0, 30);
    if (type === "closure") name = name.slice(0, 60);
    const k = `${type}:${name.slice(0, 80)}`;
    const e = out.get(k) ?? { size: 0, count: 0 };
    e.size += nodes[i + iSize];
    e.count++;
    out.set(k, e);
  }
  return out;
}

async function snapshot(pid: number, dir: string): Promise<string> {
  const before = new Set(fs.readdirSync(dir));
  process.kill(pid, "SIGUSR2");
  for (let i = 0; i < 600; i++) {
    await sleep(500);
    const added = fs.readdirSync(dir).filter((f) => !before.has(f) && f.endsWith(".heapsnapshot"));
    if (added.length) {
      const file = path.join(dir, added[0]);
      for (;;) {
        const size = fs.statSync(file).size;
        const fd = fs.openSync(file, "r");
        const tail = Buffer.alloc(2);
        fs.readSync(fd, tail, 0, 2, Math.max(0, size - 2));
        fs.closeSync(fd);
        if (tail.toString() === "]}") return file;
        await sleep(500);
      }
    }
  }
  throw new Error("no heap snapshot");
}

function openStreams(url: string, key: string, count: number) {
  const u = new URL(PATH, url);
  const req = streamRequest(u, { authorization: `Bearer ${key}` });
  const sockets: net.Socket[] = [];
  const state = { started: 0, ended: 0 };
  return {
    state,
    sockets,
    async ramp(perSecond: number) {
      for (let i = 0; i < count; i++) {
        const s = net.connect(Number(u.port), u.hostname);
        let first = true;
        s.on("data", () => {
          if (first) (first = false), state.started++;
        });
        s.on("error", () => undefined);
        s.on("close", () => state.ended++);
        s.write(req);
        sockets.push(s);
        if (i % 50 === 49) await sleep((50 * 1000) / perSecond);
      }
    },
  };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llmlb-heap-"));
  const { args } = streamFake(120, 200);
  const fake = await startFakeProcess(args);
  const spacesFile = path.join(dir, "spaces.json");
  const { server, key } = await startLoadBalancer(
    fake,
    [
      `--heapsnapshot-signal=SIGUSR2`,
      `--diagnostic-dir=${dir}`,
      ...(values.spaces ? ["--require", path.join(import.meta.dirname, "heap-spaces.cjs")] : []),
      ...(values["node-arg"] ?? []),
    ],
    values.server,
    {
      ...(values.spaces ? { LLMLB_HEAP_SPACES_FILE: spacesFile } : {}),
      ...Object.fromEntries((values.env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)])),
    },
  );
  const spaces = () => {
    if (!values.spaces) return null;
    const s = JSON.parse(fs.readFileSync(spacesFile, "utf8"));
    const mb = (b: number) => Math.round(b / 104857.6) / 10;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.spaces as Record<string, { size: number; used: number }>))
      if (v.size > 0) out[k] = `${mb(v.used)}/${mb(v.size)}`;
    for (const [k, v] of Object.entries(s.usage as Record<string, number>)) out[k] = String(mb(v));
    for (const [k, v] of Object.entries(s.gcs as Record<string, number>)) out[`gc ${k}`] = String(v);
    return out;
  };
  try {
    // warm-up: a few streams through, ended
    const warm = openStreams(server.url, key, 50);
    await warm.ramp(500);
    await sleep(3000);
    for (const s of warm.sockets) s.destroy();
    const loadSeconds = Number(values["load-seconds"]);
    if (loadSeconds) {
      const target = { label: "lb", url: server.url, headers: { authorization: `Bearer ${key}` } };
      const r = await throughput(target, PATH, PLAIN, 50, loadSeconds);
      log(`load: ${loadSeconds} s of plain requests, ${Math.round(r.rps)} req/s; RSS ${rssMb(server.pid)} MB`);
    }
    await sleep(2000 + Number(values["settle-seconds"]) * 1000);
    const idle = { rss: rssMb(server.pid), heap: await mainHeap(server.url) };
    const maps0 = smaps(server.pid);
    log(`idle: RSS ${idle.rss} MB, main heap used ${idle.heap.used.toFixed(1)} of ${idle.heap.total.toFixed(1)} MB`);
    if (values.spaces) log(`idle spaces (used/size MB): ${JSON.stringify(spaces())}`);
    const snap0 = values["no-snapshot"] ? null : await snapshot(server.pid, dir);
    const idle2 = { rss: rssMb(server.pid), heap: await mainHeap(server.url) };
    log(`idle after snapshot: RSS ${idle2.rss} MB`);
    const held = openStreams(server.url, key, n);
    await held.ramp(500);
    for (let i = 0; i < 40 && held.state.started < n; i++) await sleep(500);
    let peak = 0;
    for (let i = 0; i < 10; i++) {
      peak = Math.max(peak, rssMb(server.pid));
      await sleep(500);
    }
    const open = held.state.started - held.state.ended;
    const during = { rss: rssMb(server.pid), heap: await mainHeap(server.url) };
    log(
      `${open} open (${held.state.started} started): RSS ${during.rss} MB (peak ${peak}), main heap used ${during.heap.used.toFixed(1)} of ${during.heap.total.toFixed(1)} MB`,
    );
    const maps1 = smaps(server.pid);
    const grown = [...maps1]
      .map(([k, kb]) => [k, kb - (maps0.get(k) ?? 0)] as const)
      .filter(([, d]) => Math.abs(d) >= 1024)
      .sort((a, b) => b[1] - a[1]);
    log(`mappings grown ≥ 1 MB (RSS KB): ${grown.map(([k, d]) => `${k}: ${d}`).join("; ")}`);
    if (values.spaces) log(`spaces while open (used/size MB): ${JSON.stringify(spaces())}`);
    log(
      `per stream: RSS ${(((peak - idle.rss) * 1024) / open).toFixed(1)} KB (vs idle before snapshot), ` +
        `${(((peak - idle2.rss) * 1024) / open).toFixed(1)} KB (vs idle after snapshot); ` +
        `main heap used ${(((during.heap.used - idle.heap.used) * 1024) / open).toFixed(1)} KB, ` +
        `total ${(((during.heap.total - idle.heap.total) * 1024) / open).toFixed(1)} KB`,
    );
    if (snap0) {
      const snap1 = await snapshot(server.pid, dir);
      const a = summarize(snap0);
      const b = summarize(snap1);
      const rows = [...b.entries()]
        .map(([k, v]) => {
          const o = a.get(k) ?? { size: 0, count: 0 };
          return { k, dSize: v.size - o.size, dCount: v.count - o.count };
        })
        .sort((x, y) => Math.abs(y.dSize) - Math.abs(x.dSize));
      const total = rows.reduce((s, r) => s + r.dSize, 0);
      log(`snapshot: +${(total / open) | 0} B per stream in the main thread's heap (self sizes)`);
      for (const r of rows.slice(0, Number(values.top)))
        process.stdout.write(
          `${(r.dSize / open).toFixed(1).padStart(9)} B  ${(r.dCount / open).toFixed(2).padStart(7)}×  ${r.k}\n`,
        );
      process.stdout.write(`snapshots: ${snap0} ${snap1}\n`);
    }
    for (const s of held.sockets) s.destroy();
  } finally {
    await server.stop();
    await fake.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
