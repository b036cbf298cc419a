import { describe, expect, it } from "vitest";
import { stopReasonOf, toAnthropicMessage, toolInput } from "./response";

const ctx = { model: "claude-local", stream: false, stopSequences: ["END"] };

describe("stopReasonOf", () => {
  it.each<[unknown, boolean, string | null, string]>([
    ["stop", false, null, "end_turn"],
    [null, false, null, "end_turn"],
    ["length", false, null, "max_tokens"],
    ["length", true, null, "max_tokens"],
    ["tool_calls", true, null, "tool_use"],
    ["function_call", true, null, "tool_use"],
    ["stop", true, null, "tool_use"],
    ["stop", false, "END", "stop_sequence"],
    ["content_filter", false, null, "refusal"],
  ])("%s (tool calls: %s, matched: %s) → %s", (finish, calls, matched, expected) => {
    expect(stopReasonOf(finish, calls, matched)).toBe(expected);
  });
});

describe("toAnthropicMessage", () => {
  it("text with usage", () => {
    const m = toAnthropicMessage(
      {
        id: "chatcmpl-abc",
        choices: [{ message: { role: "assistant", content: "Hello" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 7, completion_tokens: 3 },
      },
      ctx,
    );
    expect(m).toEqual({
      id: "msg_abc",
      type: "message",
      role: "assistant",
      model: "claude-local",
      content: [{ type: "text", text: "Hello" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 7, output_tokens: 3 },
    });
  });

  it("tool calls as tool_use blocks with parsed input", () => {
    const calls = [
      { id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Tokyo"}' } },
      { type: "function", function: { name: "broken", arguments: "{not json" } },
    ];
    const m = toAnthropicMessage(
      { id: "x", choices: [{ message: { content: null, tool_calls: calls }, finish_reason: "tool_calls" }] },
      ctx,
    );
    expect(m.content).toEqual([
      { type: "tool_use", id: "call_1", name: "weather", input: { city: "Tokyo" } },
      { type: "tool_use", id: "toolu_1", name: "broken", input: {} },
    ]);
    expect(m.stop_reason).toBe("tool_use");
    expect(m.usage).toEqual({ input_tokens: 0, output_tokens: 0 });
  });

  it("the stop sequence vLLM reports", () => {
    const m = toAnthropicMessage(
      { choices: [{ message: { content: "a" }, finish_reason: "stop", stop_reason: "END" }] },
      ctx,
    );
    expect([m.stop_reason, m.stop_sequence]).toEqual(["stop_sequence", "END"]);
  });

  it("toolInput never throws", () => {
    expect(toolInput('{"a":1}')).toEqual({ a: 1 });
    expect(toolInput("[1]")).toEqual({});
    expect(toolInput("")).toEqual({});
    expect(toolInput({ a: 2 })).toEqual({ a: 2 });
  });
});
