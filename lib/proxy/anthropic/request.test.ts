import { describe, expect, it } from "vitest";
import { toChatRequest, withoutTopK } from "./request";

const base = { model: "m", max_tokens: 64 };
const chat = (body: Record<string, unknown>) => {
  const t = toChatRequest({ ...base, ...body });
  if (!t.ok) throw new Error(t.reason);
  return t.chat;
};

describe("toChatRequest: Anthropic Messages → chat completions", () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      "a string message",
      { messages: [{ role: "user", content: "Hi" }] },
      { messages: [{ role: "user", content: "Hi" }] },
    ],
    [
      "a system string",
      { system: "Be brief.", messages: [{ role: "user", content: "Hi" }] },
      {
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Hi" },
        ],
      },
    ],
    [
      "system text blocks, joined",
      {
        system: [
          { type: "text", text: "A", cache_control: { type: "ephemeral" } },
          { type: "text", text: "B" },
        ],
        messages: [{ role: "user", content: "Hi" }],
      },
      {
        messages: [
          { role: "system", content: "A\n\nB" },
          { role: "user", content: "Hi" },
        ],
      },
    ],
    [
      "text blocks of a user turn, joined to a string",
      {
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "a" },
              { type: "text", text: "b" },
            ],
          },
        ],
      },
      { messages: [{ role: "user", content: "a\n\nb" }] },
    ],
    [
      "a base64 image and a URL image as image_url parts",
      {
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is it?" },
              { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } },
              { type: "image", source: { type: "url", url: "https://example.invalid/a.png" } },
            ],
          },
        ],
      },
      {
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is it?" },
              { type: "image_url", image_url: { url: "data:image/png;base64,iVBOR" } },
              { type: "image_url", image_url: { url: "https://example.invalid/a.png" } },
            ],
          },
        ],
      },
    ],
    [
      "multi-turn",
      {
        messages: [
          { role: "user", content: "1" },
          { role: "assistant", content: "2" },
          { role: "user", content: "3" },
        ],
      },
      {
        messages: [
          { role: "user", content: "1" },
          { role: "assistant", content: "2" },
          { role: "user", content: "3" },
        ],
      },
    ],
    [
      "tool_use ↔ tool_calls, tool_result ↔ a tool message before the turn's text",
      {
        messages: [
          { role: "user", content: "Weather?" },
          {
            role: "assistant",
            content: [
              { type: "text", text: "Looking." },
              { type: "tool_use", id: "toolu_1", name: "weather", input: { city: "Tokyo" } },
            ],
          },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "toolu_1", content: "sunny" },
              { type: "text", text: "Thanks" },
            ],
          },
        ],
      },
      {
        messages: [
          { role: "user", content: "Weather?" },
          {
            role: "assistant",
            content: "Looking.",
            tool_calls: [
              { id: "toolu_1", type: "function", function: { name: "weather", arguments: '{"city":"Tokyo"}' } },
            ],
          },
          { role: "tool", tool_call_id: "toolu_1", content: "sunny" },
          { role: "user", content: "Thanks" },
        ],
      },
    ],
    [
      "a tool_use alone: content null; an error result and block content",
      {
        messages: [
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "…", signature: "s" },
              { type: "tool_use", id: "t", name: "f", input: {} },
            ],
          },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "t", is_error: true, content: [{ type: "text", text: "boom" }] },
            ],
          },
        ],
      },
      {
        messages: [
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: "{}" } }],
          },
          { role: "tool", tool_call_id: "t", content: "Error: boom" },
        ],
      },
    ],
    [
      "sampling, stops, metadata",
      {
        messages: [{ role: "user", content: "x" }],
        stop_sequences: ["END"],
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        metadata: { user_id: "u1" },
      },
      {
        messages: [{ role: "user", content: "x" }],
        stop: ["END"],
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        user: "u1",
      },
    ],
    [
      "stream asks for usage",
      { messages: [{ role: "user", content: "x" }], stream: true },
      { messages: [{ role: "user", content: "x" }], stream: true, stream_options: { include_usage: true } },
    ],
  ])("%s", (_, body, expected) => {
    expect(chat(body)).toEqual({ model: "m", max_tokens: 64, ...expected });
  });

  const weather = {
    name: "weather",
    description: "Forecast",
    input_schema: { type: "object", properties: { city: { type: "string" } } },
  };
  it.each<[string, unknown, Record<string, unknown>]>([
    ["auto", { type: "auto" }, { tool_choice: "auto" }],
    ["any → required", { type: "any" }, { tool_choice: "required" }],
    ["none", { type: "none" }, { tool_choice: "none" }],
    [
      "tool → that function",
      { type: "tool", name: "weather" },
      { tool_choice: { type: "function", function: { name: "weather" } } },
    ],
    [
      "no parallel calls",
      { type: "auto", disable_parallel_tool_use: true },
      { tool_choice: "auto", parallel_tool_calls: false },
    ],
  ])("tools with tool_choice %s", (_, choice, expected) => {
    const out = chat({ messages: [{ role: "user", content: "x" }], tools: [weather], tool_choice: choice });
    expect(out.tools).toEqual([
      { type: "function", function: { name: "weather", description: "Forecast", parameters: weather.input_schema } },
    ]);
    expect(out).toMatchObject(expected);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["no max_tokens", { max_tokens: undefined, messages: [{ role: "user", content: "x" }] }, /max_tokens/],
    ["max_tokens 0", { max_tokens: 0, messages: [{ role: "user", content: "x" }] }, /max_tokens/],
    ["no messages", { messages: [] }, /messages/],
    ["a system role in messages", { messages: [{ role: "system", content: "x" }] }, /role/],
    ["an unknown block", { messages: [{ role: "user", content: [{ type: "document", source: {} }] }] }, /document/],
    [
      "a server tool",
      { messages: [{ role: "user", content: "x" }], tools: [{ type: "web_search_20250305", name: "web_search" }] },
      /server tools/,
    ],
    [
      "a bad tool_choice",
      { messages: [{ role: "user", content: "x" }], tool_choice: { type: "sometimes" } },
      /tool_choice/,
    ],
    ["a non-numeric temperature", { messages: [{ role: "user", content: "x" }], temperature: "hot" }, /temperature/],
    [
      "stop_sequences not strings",
      { messages: [{ role: "user", content: "x" }], stop_sequences: [1] },
      /stop_sequences/,
    ],
  ])("refuses %s", (_, body, reason) => {
    const t = toChatRequest({ ...base, ...body });
    expect(t.ok).toBe(false);
    if (!t.ok) expect(t.reason).toMatch(reason);
  });

  it("keeps what the answer needs and drops top_k on request", () => {
    const t = toChatRequest({
      ...base,
      stream: true,
      stop_sequences: ["X"],
      top_k: 5,
      messages: [{ role: "user", content: "x" }],
    });
    expect(t.ok && t.ctx).toEqual({ model: "m", stream: true, stopSequences: ["X"] });
    expect(t.ok && "top_k" in withoutTopK(t.chat)).toBe(false);
  });
});
