// npm run bench -- --peers / --streams [N] [--stream-seconds S]: runs the peer table, the concurrent streams, or both
// (then the table's "concurrent streams held" column comes from the streams run), and writes
// bench-results/peers.{json,md}.
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "../procs";
import { peerTable, runPeers, type PeerRow } from "./table";
import { machine, runStreams, streamTable, type StreamRow } from "./streams";
import { log } from "./system";

export interface PeerBenchOptions {
  peers: boolean;
  /** Concurrent streams, 0 for none. */
  streams: number;
  streamSeconds: number;
  rounds: number;
  seconds: number;
  latN: number;
}

export async function peerBench(o: PeerBenchOptions) {
  const command = [
    "npm run bench --",
    o.peers ? "--peers" : "",
    o.rounds === 1 ? "--quick" : "",
    o.streams ? `--streams ${o.streams} --stream-seconds ${o.streamSeconds}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  const meta = { date: new Date().toISOString(), machine: machine(), command };
  let peers: PeerRow[] = [];
  let streams: StreamRow[] = [];
  if (o.peers) {
    log(`peers: ${o.rounds} round(s); 1 connection × ${o.latN} requests, 50 connections × ${o.seconds} s`);
    peers = await runPeers(o);
  }
  if (o.streams) streams = await runStreams(o.streams, o.streamSeconds);

  const held = new Map(streams.map((s) => [s.target, `${s.held} of ${s.n}${s.failed ? ` (${s.failed} failed)` : ""}`]));
  const sections = [
    ...Object.entries(meta).map(([k, v]) => `- ${k}: ${v}`),
    "",
    ...(peers.length ? [peerTable(peers, held), ""] : []),
    ...(streams.length
      ? [
          `${o.streams} concurrent streams, ${o.streamSeconds} s each, a chunk every 200 ms:`,
          "",
          streamTable(streams),
          "",
        ]
      : []),
  ];
  const out = path.join(ROOT, "bench-results");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "peers.json"), JSON.stringify({ meta, peers, streams }, null, 2));
  fs.writeFileSync(path.join(out, "peers.md"), sections.join("\n"));
  process.stdout.write(`\n${sections.join("\n")}\n`);
  log("written: bench-results/peers.{json,md}");
}
