import { describe, expect, it } from "vitest";
import { estimateTokens, generatedChars, nextTpsEma, readUsage } from "./usage";

describe("usage", () => {
  it("reads chat and responses usage", () => {
    expect(readUsage({ usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } })).toEqual({
      promptTokens: 5,
      completionTokens: 7,
      estimated: false,
    });
    expect(readUsage({ usage: { input_tokens: 3, output_tokens: 9 } })).toEqual({
      promptTokens: 3,
      completionTokens: 9,
      estimated: false,
    });
    expect(
      readUsage({ type: "response.completed", response: { usage: { input_tokens: 1, output_tokens: 2 } } })
        ?.completionTokens,
    ).toBe(2);
    expect(readUsage({ usage: null })).toBeNull();
    expect(readUsage({})).toBeNull();
  });
  it("estimates from generated text", () => {
    expect(generatedChars({ choices: [{ message: { content: "12345678" } }, { text: "abcd" }] })).toBe(12);
    expect(estimateTokens(12)).toBe(3);
    expect(estimateTokens(0)).toBe(0);
    expect(estimateTokens(1)).toBe(1);
  });
  it("keeps an EMA with alpha 0.2", () => {
    expect(nextTpsEma(null, 100, 2)).toBe(50);
    expect(nextTpsEma(50, 100, 1)).toBeCloseTo(60);
    expect(nextTpsEma(50, 0, 1)).toBe(50);
  });
});
