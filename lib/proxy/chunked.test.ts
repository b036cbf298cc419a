import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { chunkFrame, directSocket } from "./chunked";
import { SseRelay } from "./sse";
import { SseWriter, type UpstreamFlow } from "./sse-writer";

const UNPAUSED: UpstreamFlow = { pauseUpstream() {}, resumeUpstream() {} };
const event = (n: number) => `data: {"n":${n}}\n\n`;
const turn = () => new Promise((r) => setImmediate(r));

let server: http.Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(null));
  server = null;
});

/** A server whose every response relays `events` through an SseWriter, one a turn of the event loop, then ends. */
async function relayServer(events: number, onDirect?: (direct: boolean[]) => void): Promise<number> {
  server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    const writer = new SseWriter(res, new SseRelay(false), UNPAUSED);
    const direct: boolean[] = [];
    void (async () => {
      for (let i = 0; i < events; i++) {
        writer.push(Buffer.from(event(i)));
        await turn();
        direct.push((writer as unknown as { direct: unknown }).direct !== null);
      }
      writer.end("", false);
      onDirect?.(direct);
    })();
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

/**
 * Sends raw requests on one connection, each when the answers so far number `after[i]` (0: at once, together with the
 * previous ones: pipelined), and returns every byte that came back once `count` answers ended.
 */
function exchange(port: number, requests: string[], after: number[], count: number): Promise<string> {
  const ended = (t: string) => t.split("0\r\n\r\n").length - 1;
  return new Promise((resolve, reject) => {
    let next = 0;
    let text = "";
    const send = () => {
      while (next < requests.length && after[next] <= ended(text)) socket.write(requests[next++]);
    };
    const socket = net.connect(port, "127.0.0.1", send);
    socket.on("data", (d) => {
      text += d.toString("latin1");
      if (ended(text) >= count) {
        socket.destroy();
        resolve(text);
      } else send();
    });
    socket.on("error", reject);
  });
}

const GET = "GET / HTTP/1.1\r\nhost: x\r\n\r\n";
const bodyOf = (n: number) =>
  `${Array.from({ length: n }, (_, i) => `${event(i).length.toString(16)}\r\n${event(i)}\r\n`).join("")}0\r\n\r\n`;

describe("chunkFrame", () => {
  it("frames bytes as node:http frames a chunk", () => {
    expect(chunkFrame(Buffer.from("hello")).toString()).toBe("5\r\nhello\r\n");
    const big = Buffer.alloc(300, 0x61);
    expect(chunkFrame(big).toString()).toBe(`12c\r\n${"a".repeat(300)}\r\n`);
  });
});

describe("directSocket", () => {
  it("is null until a response is chunked, and for a response that is not", async () => {
    const seen: Array<[boolean, boolean]> = [];
    server = http.createServer((req, res) => {
      const before = directSocket(res) !== null;
      if (req.url === "/length") res.writeHead(200, { "content-length": "2" });
      else res.writeHead(200, { "content-type": "text/plain" });
      res.write("ok");
      seen.push([before, directSocket(res) !== null]);
      res.end();
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    await fetch(`http://127.0.0.1:${port}/chunked`).then((r) => r.text());
    await fetch(`http://127.0.0.1:${port}/length`).then((r) => r.text());
    expect(seen).toEqual([
      [false, true],
      [false, false],
    ]);
  });
});

describe("SseWriter writing chunks to the socket", () => {
  it("puts the same bytes on the wire as node:http would, and the connection's next response follows intact", async () => {
    const direct: boolean[][] = [];
    const port = await relayServer(5, (d) => direct.push(d));
    const text = await exchange(port, [GET, GET], [0, 1], 2);
    const [first, second] = text.split(/(?=HTTP\/1\.1 200)/);
    for (const response of [first, second]) {
      expect(response).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*transfer-encoding: chunked\r\n/i);
      expect(response.slice(response.indexOf("\r\n\r\n") + 4)).toBe(bodyOf(5));
    }
    // the first event left through the response (with the headers), every later one straight to the socket
    expect(direct).toEqual([Array(5).fill(true), Array(5).fill(true)]);
  });

  it("keeps a pipelined response's chunks behind the one before it", async () => {
    const direct: boolean[][] = [];
    const port = await relayServer(3, (d) => direct.push(d));
    const text = await exchange(port, [GET, GET, GET], [0, 0, 0], 3);
    const responses = text.split(/(?=HTTP\/1\.1 200)/);
    expect(responses).toHaveLength(3);
    for (const response of responses) expect(response.slice(response.indexOf("\r\n\r\n") + 4)).toBe(bodyOf(3));
    // the later ones waited with no socket: their chunks went through their responses, held until their turn
    expect(direct[0]).toEqual([true, true, true]);
    expect(direct.slice(1).flat()).toContain(false);
  });

  it("stops the upstream while the client's socket is full, and restarts it when the socket drains", async () => {
    const big = `data: ${"x".repeat(64 * 1024)}\n\n`;
    const flow: string[] = [];
    let pushed = 0;
    server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      let paused = false;
      const upstream: UpstreamFlow = {
        pauseUpstream: () => {
          paused = true;
          flow.push("pause");
        },
        resumeUpstream: () => {
          paused = false;
          flow.push("resume");
        },
      };
      const writer = new SseWriter(res, new SseRelay(false), upstream);
      void (async () => {
        // an upstream that stops sending while paused, as undici's does
        while (pushed < 400) {
          if (!paused) {
            writer.push(Buffer.from(big));
            pushed++;
          }
          await turn();
        }
        writer.end("", false);
      })();
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const socket = net.connect(port, "127.0.0.1", () => socket.write(GET));
    socket.pause(); // a client that reads nothing yet
    // the kernel's buffers take a few MB first (each drain restarts the upstream): wait until the upstream stays stopped
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let stalledAt = -1;
    while (stalledAt !== pushed || flow.at(-1) !== "pause") {
      stalledAt = pushed;
      await sleep(100);
    }
    expect(pushed).toBeGreaterThan(1); // paused by a direct write (the first goes through the response)
    expect(pushed).toBeLessThan(400);
    const paused = flow.length;
    let received = 0;
    const done = new Promise<void>((resolve) =>
      socket.on("data", (d) => {
        received += d.length;
        if (d.toString("latin1").endsWith("0\r\n\r\n")) resolve();
      }),
    );
    socket.resume();
    await done;
    socket.destroy();
    expect(flow[paused]).toBe("resume");
    expect(flow.filter((f) => f === "pause")).toHaveLength(flow.filter((f) => f === "resume").length);
    expect(pushed).toBe(400);
    expect(received).toBeGreaterThan(400 * big.length);
  });

  it("writes nothing after the response was ended by someone else", async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const writer = new SseWriter(res, new SseRelay(false), UNPAUSED);
      void (async () => {
        writer.push(Buffer.from(event(0)));
        await turn();
        writer.push(Buffer.from(event(1)));
        res.end(); // the exchange ended it (an error event) before the writer's turn came
        writer.flush(); // the turn, before node:http has finished the response
      })();
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const text = await exchange(port, [GET, GET], [0, 1], 2);
    const [first, second] = text.split(/(?=HTTP\/1\.1 200)/);
    const one = `${event(0).length.toString(16)}\r\n${event(0)}\r\n0\r\n\r\n`;
    expect(first.slice(first.indexOf("\r\n\r\n") + 4)).toBe(one);
    expect(second.slice(second.indexOf("\r\n\r\n") + 4)).toBe(one);
  });
});
