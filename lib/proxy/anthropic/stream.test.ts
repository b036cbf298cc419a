import { describe, expect, it } from "vitest";
import { AnthropicStream, PING } from "./stream";

const ctx = { model: "claude-local", stream: true, stopSequences: [] };
const sse = (data: unknown) => `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  sse({ id: "chatcmpl-s1", choices: [{ index: 0, delta, finish_reason: finish }] });
const USAGE = sse({ id: "chatcmpl-s1", choices: [], usage: { prompt_tokens: 11, completion_tokens: 5 } });

/** The events the translation writes, as [event name, data] pairs. */
function events(bytes: string): Array<[string, Record<string, unknown>]> {
  return bytes
    .split("\n\n")
    .filter(Boolean)
    .map((e) => {
      const [name, data] = e.split("\n");
      const json = JSON.parse(data.slice("data: ".length)) as Record<string, unknown>;
      expect(name).toBe(`event: ${String(json.type)}`);
      return [name.slice("event: ".length), json];
    });
}

/** Feeds `upstream` one event a push (or all in one), then ends. */
function translate(upstream: string[], broken = false, together = false): string {
  const t = new AnthropicStream(ctx);
  let out = "";
  for (const piece of together ? [upstream.join("")] : upstream) out += t.push(Buffer.from(piece))?.toString() ?? "";
  return out + (t.end(broken)?.toString() ?? "");
}

const TEXT = [
  chunk({ role: "assistant", content: "" }),
  chunk({ content: "Hel" }),
  chunk({ content: "lo" }),
  chunk({}, "stop"),
  USAGE,
  sse("[DONE]"),
];

describe("AnthropicStream: OpenAI chunks → Anthropic's event sequence", () => {
  it.each([false, true])("text, with usage at the end (events pushed together: %s)", (together) => {
    const out = events(translate(TEXT, false, together));
    expect(out.map(([n]) => n)).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(out[0][1].message).toMatchObject({ id: "msg_s1", model: "claude-local", role: "assistant", content: [] });
    expect(out[2][1]).toEqual({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
    expect(out[3][1]).toEqual({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hel" } });
    expect(out[6][1]).toEqual({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { input_tokens: 11, output_tokens: 5 },
    });
  });

  it("text then a tool call: two blocks, argument fragments as input_json_delta", () => {
    const upstream = [
      chunk({ role: "assistant", content: "Let me look." }),
      chunk({
        tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "weather", arguments: "" } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Tokyo"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: "call_2", function: { name: "time", arguments: "{}" } }] }),
      chunk({}, "tool_calls"),
      sse("[DONE]"),
    ];
    const out = events(translate(upstream));
    expect(out.map(([n, d]) => `${n}${d.index === undefined ? "" : `:${String(d.index)}`}`)).toEqual([
      "message_start",
      "ping",
      "content_block_start:0",
      "content_block_delta:0",
      "content_block_stop:0",
      "content_block_start:1",
      "content_block_delta:1",
      "content_block_delta:1",
      "content_block_stop:1",
      "content_block_start:2",
      "content_block_delta:2",
      "content_block_stop:2",
      "message_delta",
      "message_stop",
    ]);
    expect(out[5][1].content_block).toEqual({ type: "tool_use", id: "call_1", name: "weather", input: {} });
    const json = out
      .filter(([, d]) => d.index === 1 && (d.delta as { type?: string })?.type === "input_json_delta")
      .map(([, d]) => (d.delta as { partial_json: string }).partial_json);
    expect(JSON.parse(json.join(""))).toEqual({ city: "Tokyo" });
    expect((out.at(-2)![1].delta as { stop_reason: string }).stop_reason).toBe("tool_use");
  });

  it("a stream cut mid-way ends with an error event, and nothing after it", () => {
    const out = events(translate(TEXT.slice(0, 2), true));
    expect(out.map(([n]) => n)).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "error",
    ]);
    expect(out.at(-1)![1]).toEqual({
      type: "error",
      error: { type: "api_error", message: "The upstream endpoint failed mid-stream." },
    });
  });

  it("an upstream's error event becomes Anthropic's", () => {
    const out = events(
      translate([chunk({ content: "a" }), sse({ error: { message: "out of memory" } }), chunk({ content: "never" })]),
    );
    expect(out.at(-1)![1]).toEqual({ type: "error", error: { type: "api_error", message: "out of memory" } });
  });

  it("no [DONE]: the end closes the message; finish 'length' is max_tokens", () => {
    const out = events(translate([chunk({ content: "a" }), chunk({}, "length")]));
    expect(out.map(([n]) => n).slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect((out.at(-2)![1].delta as { stop_reason: string }).stop_reason).toBe("max_tokens");
  });

  it("an event cut across pushes (an oversized one passed in pieces) and CRLF endings", () => {
    const t = new AnthropicStream(ctx);
    const whole = chunk({ content: "ü".repeat(3) }).replace("\n\n", "\r\n\r\n");
    const bytes = Buffer.from(whole);
    const a = t.push(bytes.subarray(0, 20));
    const b = t.push(bytes.subarray(20));
    expect(a).toBeNull();
    const out = events(b!.toString());
    expect(out[3][1]).toMatchObject({ delta: { text: "üüü" } });
  });

  it("an empty upstream still makes a whole message; keep-alive is a ping", () => {
    const t = new AnthropicStream(ctx);
    expect(events(t.end(false)!.toString()).map(([n]) => n)).toEqual([
      "message_start",
      "ping",
      "message_delta",
      "message_stop",
    ]);
    expect(PING.toString()).toBe('event: ping\ndata: {"type":"ping"}\n\n');
  });
});
