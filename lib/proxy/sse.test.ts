import { describe, expect, it } from "vitest";
import { SseRelay } from "./sse";

const ev = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
const chunk = (content: string) => ev({ choices: [{ index: 0, delta: { content } }] });
const usage = ev({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } });

describe("SseRelay", () => {
  it("passes events through and drops the injected usage chunk", () => {
    const r = new SseRelay(true);
    expect(String(r.push(Buffer.from(chunk("Hel"))))).toBe(chunk("Hel"));
    expect(r.push(Buffer.from(usage + "data: [DONE]\n\n"))).toBe("data: [DONE]\n\n");
    expect(r.usage).toEqual({ promptTokens: 3, completionTokens: 4, estimated: false });
  });
  it("passes whole events without usage on as the very same bytes", () => {
    const r = new SseRelay(true);
    const buf = Buffer.from(chunk("a") + chunk("b"));
    expect(r.push(buf)).toBe(buf);
    expect(r.events).toBe(2);
  });
  it("keeps the usage chunk when the client asked for it", () => {
    const r = new SseRelay(false);
    expect(r.push(Buffer.from(usage))).toBe(usage);
    expect(r.usage?.completionTokens).toBe(4);
  });
  it("holds a partial event until it completes", () => {
    const r = new SseRelay(true);
    const whole = chunk("abc");
    expect(r.push(Buffer.from(whole.slice(0, 10)))).toBe("");
    expect(r.push(Buffer.from(whole.slice(10)))).toBe(whole);
    expect(r.events).toBe(1);
    expect(r.flush()).toBe("");
  });
});
