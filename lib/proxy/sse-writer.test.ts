import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AnthropicStream, PING } from "./anthropic/stream";
import { SseRelay } from "./sse";
import { SseWriter, type UpstreamFlow } from "./sse-writer";
import { KeepAlive, SSE_COMMENT } from "./keep-alive";

const KEEP_ALIVE_MS = 10_000;

/** A response that keeps what is written. */
function fakeResponse() {
  const res = Object.assign(new EventEmitter(), {
    out: [] as string[],
    ended: false,
    destroyed: false,
    write(b: Buffer) {
      res.out.push(b.toString());
      return true;
    },
    end(b?: Buffer) {
      if (b) res.out.push(b.toString());
      res.ended = true;
    },
    flushHeaders() {},
    headersSent: true,
    writableEnded: false,
    writeHead() {},
  });
  return res;
}

const UNPAUSED: UpstreamFlow = { pauseUpstream() {}, resumeUpstream() {} };

const chunk = (content: string) =>
  `data: ${JSON.stringify({ id: "c", choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

afterEach(() => vi.useRealTimers());

describe("SseWriter with a translation stage", () => {
  it("writes the translated events, pings while the upstream is silent, and ends with the translation's end", () => {
    vi.useFakeTimers();
    const res = fakeResponse();
    const keepAlive = new KeepAlive(res as unknown as ServerResponse, KEEP_ALIVE_MS, PING, "r");
    const writer = new SseWriter(
      res as unknown as ServerResponse,
      new SseRelay(false),
      UNPAUSED,
      new AnthropicStream({ model: "m", stream: true, stopSequences: [] }),
      keepAlive,
    );
    writer.push(Buffer.from(chunk("Hi")));
    vi.advanceTimersToNextTimer(); // the setImmediate flush
    expect(res.out.join("")).toMatch(/^event: message_start\n[\s\S]*"text_delta","text":"Hi"/);
    const before = res.out.length;
    vi.advanceTimersByTime(KEEP_ALIVE_MS); // something was written in this period: no ping
    expect(res.out.length).toBe(before);
    vi.advanceTimersByTime(KEEP_ALIVE_MS); // a silent period: one ping
    expect(res.out.slice(before)).toEqual(['event: ping\ndata: {"type":"ping"}\n\n']);
    writer.end("", true);
    keepAlive.stop(); // as the exchange does when it finishes
    expect(res.ended).toBe(true);
    expect(res.out.at(-1)).toMatch(/^event: error\n/);
    const after = res.out.length;
    vi.advanceTimersByTime(3 * KEEP_ALIVE_MS); // no ping after the end
    expect(res.out.length).toBe(after);
  });

  it("an OpenAI stream's keep-alive is a comment, and only in silent periods", () => {
    vi.useFakeTimers();
    const res = fakeResponse();
    const keepAlive = new KeepAlive(res as unknown as ServerResponse, KEEP_ALIVE_MS, SSE_COMMENT, "r");
    const writer = new SseWriter(res as unknown as ServerResponse, new SseRelay(false), UNPAUSED, null, keepAlive);
    vi.advanceTimersByTime(KEEP_ALIVE_MS);
    expect(res.out).toEqual([": keep-alive\n\n"]);
    writer.push(Buffer.from(chunk("Hi")));
    vi.advanceTimersToNextTimer();
    vi.advanceTimersByTime(KEEP_ALIVE_MS - 1);
    expect(res.out).toEqual([": keep-alive\n\n", chunk("Hi")]);
    writer.end("", false);
    keepAlive.stop();
  });

  it("without a translation: the relay's bytes and the tail, as before", () => {
    vi.useFakeTimers();
    const res = fakeResponse();
    const writer = new SseWriter(res as unknown as ServerResponse, new SseRelay(false), UNPAUSED);
    writer.push(Buffer.from(chunk("Hi")));
    writer.end("data: tail\n\n", true);
    expect(res.out.join("")).toBe(`${chunk("Hi")}data: tail\n\n`);
  });
});
