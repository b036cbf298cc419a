import { describe, expect, it } from "vitest";
import { inspectBuffered } from "./relay";

const json = (o: unknown) => Buffer.from(JSON.stringify(o));

describe("inspectBuffered", () => {
  it("reads usage without parsing the whole body, nested details included", () => {
    const body = json({
      id: "x",
      choices: [{ message: { content: "hi {}" } }],
      usage: { prompt_tokens: 3, completion_tokens: 9, total_tokens: 12, details: { cached: 1 } },
    });
    expect(inspectBuffered(200, "application/json", body)).toEqual({
      valid: true,
      usage: { promptTokens: 3, completionTokens: 9, estimated: false },
      generatedChars: 0,
    });
    const responses = json({
      output: [],
      usage: { input_tokens: 2, output_tokens: 5, input_tokens_details: { cached_tokens: 0 } },
    });
    expect(inspectBuffered(200, "application/json; charset=utf-8", responses).usage?.completionTokens).toBe(5);
  });
  it("falls back to generated text when there is no usage", () => {
    expect(inspectBuffered(200, "application/json", json({ choices: [{ message: { content: "12345678" } }] }))).toEqual(
      { valid: true, usage: null, generatedChars: 8 },
    );
  });
  it("a 2xx that is not a JSON object is no answer; errors pass as they are", () => {
    expect(inspectBuffered(200, "text/html", Buffer.from("<html></html>")).valid).toBe(false);
    expect(inspectBuffered(200, "application/json", Buffer.from("[1,2]")).valid).toBe(false);
    expect(inspectBuffered(200, "application/json", Buffer.from("{broken")).valid).toBe(false);
    expect(inspectBuffered(500, "text/html", Buffer.from("oops")).valid).toBe(true);
  });
});
