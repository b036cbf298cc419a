import { describe, expect, it } from "vitest";
import { toChatRequest } from "./anthropic/request";
import { TOKENS_PER_IMAGE, estimatePromptTokens, requestedMaxTokens } from "./token-estimate";

/** What the fake upstreams (e2e/fakes) report as prompt_tokens: the request body's bytes / 4. */
const fakeCount = (chat: unknown) => Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(chat)) / 4));

const LONG = "The quick brown fox jumps over the lazy dog while the load balancer counts its tokens. ".repeat(20);
const TOOLS = [
  {
    name: "weather",
    description: "Forecast for a city",
    input_schema: {
      type: "object",
      properties: { city: { type: "string" }, days: { type: "integer" } },
      required: ["city"],
    },
  },
];
/** A sample of Messages bodies, from a one-line question to a long multi-turn tool conversation. */
const SAMPLE: Array<Record<string, unknown>> = [
  { messages: [{ role: "user", content: "Hello!" }] },
  {
    system: "You are a terse assistant.",
    messages: [{ role: "user", content: "Summarise the plot of Hamlet in two sentences." }],
  },
  { messages: [{ role: "user", content: LONG }] },
  {
    system: LONG,
    messages: [
      { role: "user", content: "1" },
      { role: "assistant", content: LONG },
      { role: "user", content: "And then?" },
    ],
  },
  {
    tools: TOOLS,
    messages: [
      { role: "user", content: "What is the weather in Tokyo for three days?" },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "t1", name: "weather", input: { city: "Tokyo", days: 3 } }],
      },
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "t1", content: "Sunny, 21 °C; cloudy, 19 °C; rain, 17 °C." }],
      },
    ],
  },
];

describe("estimatePromptTokens", () => {
  it("counts text at 4 characters a token, 4 a message, 3 for the reply, images at a fixed cost, tool calls as JSON", () => {
    expect(estimatePromptTokens({ messages: [{ role: "user", content: "12345678" }] })).toBe(3 + 4 + 2);
    expect(
      estimatePromptTokens({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "1234" },
              { type: "image_url", image_url: { url: "data:x" } },
            ],
          },
        ],
      }),
    ).toBe(3 + 4 + 1 + TOKENS_PER_IMAGE);
    const calls = [{ function: { name: "abcd", arguments: "{}" } }];
    expect(estimatePromptTokens({ messages: [{ role: "assistant", content: null, tool_calls: calls }] })).toBe(
      3 + 4 + Math.ceil(JSON.stringify(calls).length / 4),
    );
    expect(estimatePromptTokens(null)).toBe(0);
  });

  it("is within 5 % of the fakes' counts for long prompts, and 60 tokens under them for short ones", () => {
    const rows = SAMPLE.map((body) => {
      const t = toChatRequest({ model: "llama3.1:8b", max_tokens: 256, ...body });
      if (!t.ok) throw new Error(t.reason);
      const estimate = estimatePromptTokens(t.chat);
      const fake = fakeCount(t.chat);
      return { estimate, fake, error: estimate / fake - 1 };
    });
    // printed so the figure in the README can be checked: `npx vitest run lib/proxy/token-estimate.test.ts`
    console.log(rows.map((r) => `${r.estimate} vs ${r.fake} (${(r.error * 100).toFixed(1)} %)`).join("; "));
    for (const r of rows) {
      if (r.fake >= 400) expect(Math.abs(r.error)).toBeLessThanOrEqual(0.05);
      else expect(r.fake - r.estimate).toBeLessThanOrEqual(60);
      expect(r.estimate).toBeGreaterThan(0);
    }
  });
});

describe("estimatePromptTokens over every body shape", () => {
  it.each([
    ["no text", {}, 0],
    ["one message", { messages: [{ role: "user", content: "x".repeat(400) }] }, 3 + 4 + 100],
    [
      "parts with an image",
      {
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "x".repeat(40) },
              { type: "image_url", image_url: { url: "u" } },
            ],
          },
        ],
      },
      3 + 4 + 10 + 1000,
    ],
    [
      "system text (Anthropic)",
      { system: "x".repeat(8), messages: [{ role: "user", content: "y".repeat(8) }] },
      3 + 4 + 4,
    ],
    [
      "a tool result's nested content (Anthropic)",
      {
        messages: [
          { role: "user", content: [{ type: "tool_result", content: [{ type: "text", text: "z".repeat(12) }] }] },
        ],
      },
      3 + 4 + 3,
    ],
    ["completions prompt", { prompt: "x".repeat(10) }, 3],
    ["responses input", { input: "x".repeat(12), instructions: "y".repeat(4) }, 4],
  ])("%s", (_name, body, tokens) => expect(estimatePromptTokens(body)).toBe(tokens));
  it("counts tools by their JSON", () => {
    const tools = [{ type: "function", function: { name: "f", parameters: {} } }];
    expect(estimatePromptTokens({ tools })).toBe(Math.ceil(JSON.stringify(tools).length / 4));
  });
});

describe("requestedMaxTokens", () => {
  it.each([
    [{}, 0],
    [{ max_tokens: 100 }, 100],
    [{ max_completion_tokens: 50, max_tokens: 100 }, 50],
    [{ max_output_tokens: 7 }, 7],
    [{ max_tokens: "9" }, 0],
  ])("%j → %i", (body, n) => expect(requestedMaxTokens(body)).toBe(n));
});
