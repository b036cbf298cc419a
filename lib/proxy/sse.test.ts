import { describe, expect, it, vi } from "vitest";
import { SseRelay } from "./sse";

const ev = (o: unknown, eol = "\n") => `data: ${JSON.stringify(o)}${eol}${eol}`;
const chunk = (content: string, eol = "\n") => ev({ choices: [{ index: 0, delta: { content } }] }, eol);
const usage = ev({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } });
const text = (b: Buffer | null) => (b === null ? null : b.toString("utf8"));

describe("SseRelay", () => {
  it("passes events through and drops the injected usage chunk", () => {
    const r = new SseRelay(true);
    expect(text(r.push(Buffer.from(chunk("Hel"))))).toBe(chunk("Hel"));
    expect(text(r.push(Buffer.from(`${usage}data: [DONE]\n\n`)))).toBe("data: [DONE]\n\n");
    expect(r.usage).toEqual({ promptTokens: 3, completionTokens: 4, estimated: false });
  });
  it("drops the usage chunk from the middle of a read, keeping the events around it as they came", () => {
    const r = new SseRelay(true);
    const all = `${chunk("a") + usage}data: [DONE]\n\n`;
    expect(text(r.push(Buffer.from(all)))).toBe(`${chunk("a")}data: [DONE]\n\n`);
    expect(r.events).toBe(3);
    expect(r.usage?.completionTokens).toBe(4);
  });
  it("passes whole events without usage on as the very same bytes", () => {
    const r = new SseRelay(true);
    const buf = Buffer.from(chunk("a") + chunk("b"));
    expect(r.push(buf)).toBe(buf);
    expect(r.events).toBe(2);
  });
  it("keeps the usage chunk when the client asked for it", () => {
    const r = new SseRelay(false);
    expect(text(r.push(Buffer.from(usage)))).toBe(usage);
    expect(r.usage?.completionTokens).toBe(4);
  });
  it("holds a partial event until it completes", () => {
    const r = new SseRelay(true);
    const whole = chunk("abc");
    expect(r.push(Buffer.from(whole.slice(0, 10)))).toBeNull();
    expect(text(r.push(Buffer.from(whole.slice(10))))).toBe(whole);
    expect(r.events).toBe(1);
    expect(r.flush()).toBeNull();
  });
  it("reads usage whose key, or whose event's end, is cut between reads, at any cut", () => {
    const all = `${chunk("a") + usage}data: [DONE]\n\n`;
    for (let cut = 1; cut < all.length; cut++) {
      const r = new SseRelay(true);
      const out = [r.push(Buffer.from(all.slice(0, cut))), r.push(Buffer.from(all.slice(cut)))].map(text).join("");
      expect(out, `cut at ${cut}`).toBe(`${chunk("a")}data: [DONE]\n\n`);
      expect(r.usage?.completionTokens, `cut at ${cut}`).toBe(4);
      expect(r.events, `cut at ${cut}`).toBe(3);
    }
  });
  it("knows events that end with CRLF blank lines (sse-starlette, llama-cpp-python)", () => {
    const r = new SseRelay(true);
    const crlfUsage = ev({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 2 } }, "\r\n");
    expect(text(r.push(Buffer.from(chunk("a", "\r\n") + chunk("b", "\r\n").slice(0, 5))))).toBe(chunk("a", "\r\n"));
    expect(text(r.push(Buffer.from(chunk("b", "\r\n").slice(5) + crlfUsage)))).toBe(chunk("b", "\r\n"));
    expect(r.usage?.completionTokens).toBe(2);
    expect(r.events).toBe(3);
  });
  it("hands over what never ended when the stream does", () => {
    const r = new SseRelay(false);
    expect(r.push(Buffer.from('data: {"x":1}'))).toBeNull();
    expect(text(r.flush())).toBe('data: {"x":1}');
  });
  it("finds an event's end cut between reads of a held event, at any cut of a many-piece event", () => {
    const all = chunk("x".repeat(50)) + usage + chunk("b");
    for (let size = 1; size < 12; size++) {
      const r = new SseRelay(true);
      let out = "";
      for (let i = 0; i < all.length; i += size) out += text(r.push(Buffer.from(all.slice(i, i + size)))) ?? "";
      expect(out, `pieces of ${size}`).toBe(chunk("x".repeat(50)) + chunk("b"));
      expect(r.usage?.completionTokens, `pieces of ${size}`).toBe(4);
      expect(r.events).toBe(3);
    }
  });
  it("passes an event larger than it may hold as it comes, then relays the next events as usual", () => {
    const big = chunk("y".repeat(300));
    for (const size of [1, 7, 64, 100]) {
      const r = new SseRelay(true, 64);
      const pieces: string[] = [];
      for (let i = 0; i < big.length; i += size) pieces.push(text(r.push(Buffer.from(big.slice(i, i + size)))) ?? "");
      // nothing is held back past the limit: what left before the event ended is all but the last piece or so
      expect(pieces.join("").length, `pieces of ${size}`).toBeGreaterThan(big.length - 64 - size);
      expect(pieces.join(""), `pieces of ${size}`).toBe(big);
      expect(text(r.push(Buffer.from(usage + chunk("z"))))).toBe(chunk("z"));
      expect(r.usage?.completionTokens).toBe(4);
      expect(r.events).toBe(3);
      expect(r.flush()).toBeNull();
    }
  });
  it("holds a long event's pieces without copying them at each read", () => {
    const r = new SseRelay(false);
    const piece = Buffer.alloc(16 * 1024, 0x61);
    const spy = vi.spyOn(Buffer, "concat");
    for (let i = 0; i < 60; i++) expect(r.push(piece)).toBeNull();
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    expect(r.push(Buffer.from("\n\n"))?.length).toBe(60 * 16 * 1024 + 2);
  });
});
