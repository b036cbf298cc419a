import { describe, expect, it } from "vitest";
import { Hist } from "./hist";
import { StreamReader } from "./reader";

const frames = [1_000_000, 2_000_000, 3_000_000].map((t, i) =>
  i === 2 ? `: t=${t}\n\ndata: [DONE]\n\n` : `: t=${t}\n\ndata: {"i":${i}}\n\n`,
);
const head = (chunked: boolean) =>
  `HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n${chunked ? "Transfer-Encoding: chunked\r\n" : ""}\r\n`;
const chunk = (s: string) => `${s.length.toString(16)}\r\n${s}\r\n`;

function read(wire: string, cut: number) {
  const transits: number[] = [];
  const r = new StreamReader((ms) => transits.push(ms));
  for (const piece of [wire.slice(0, cut), wire.slice(cut)]) r.feed(Buffer.from(piece, "latin1"), 5_000_000);
  return { r, transits };
}

describe("StreamReader", () => {
  it("reads every stamp and the [DONE] of a chunked answer cut at any byte, even inside a size line", () => {
    // a proxy that re-frames the stream: one chunk holding a frame and a half, then the rest
    const body = frames.join("");
    const wire = `${head(true)}${chunk(body.slice(0, 30))}${chunk(body.slice(30))}0\r\n\r\n`;
    for (let cut = 0; cut <= wire.length; cut++) {
      const { r, transits } = read(wire, cut);
      expect(r.status).toBe(200);
      expect(r.frames).toBe(3);
      expect(r.done).toBe(true);
      expect(transits).toEqual([4, 3, 2]);
    }
  });

  it("reads an answer without chunked encoding, and the status of a refusal", () => {
    const { r } = read(`${head(false)}${frames.join("")}`, 70);
    expect([r.frames, r.done]).toEqual([3, true]);
    expect(read("HTTP/1.1 429 Too Many Requests\r\ncontent-length: 0\r\n\r\n", 5).r.status).toBe(429);
  });
});

describe("Hist", () => {
  it("merges counts from several clients and reads nearest-rank percentiles", () => {
    const a = new Hist();
    const b = new Hist();
    for (let i = 1; i <= 50; i++) a.add(i);
    for (let i = 51; i <= 100; i++) b.add(i);
    const d = new Hist().merge(a.pairs()).merge(b.pairs()).dist();
    expect(d).toEqual({ p50: 50, p99: 99, max: 100 });
    expect(new Hist().merge(a.pairs()).dist(10).p50).toBe(15);
  });

  it("keeps 4 significant digits: exact under 10 ms, within 0.1 % above", () => {
    const h = new Hist();
    h.add(0.1234);
    h.add(200.34);
    h.add(3264.7);
    expect(h.pairs().map(([us]) => us)).toEqual([123, 200_300, 3_265_000]);
  });
});
