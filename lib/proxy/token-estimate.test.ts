import { describe, expect, it } from "vitest";
import { estimatePromptTokens, requestedMaxTokens } from "./token-estimate";

describe("estimatePromptTokens", () => {
  it.each([
    ["no text", {}, 0],
    ["one message", { messages: [{ role: "user", content: "x".repeat(400) }] }, 100],
    ["parts", { messages: [{ role: "user", content: [{ type: "text", text: "x".repeat(40) }, { type: "image_url", image_url: { url: "u" } }] }] }, 10],
    ["system text (Anthropic)", { system: "x".repeat(8), messages: [{ role: "user", content: "y".repeat(8) }] }, 4],
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
