import { describe, expect, it } from "vitest";
import {
  ContinuationSplice,
  RESUMED_COMMENT,
  continuationBody,
  readSoFar,
  requestResumable,
  streamResumable,
} from "./resume";

const messages = [{ role: "user", content: "hi" }];
const ev = (o: object) => `data: ${JSON.stringify(o)}\n\n`;
const chunk = (delta: object, extra: object = {}) =>
  ev({ id: "chatcmpl-1", model: "m", choices: [{ index: 0, delta, finish_reason: null }], ...extra });

describe("requestResumable", () => {
  it.each([
    ["a chat stream", "/v1/chat/completions", { stream: true, messages }, true],
    ["n = 1", "/v1/chat/completions", { stream: true, messages, n: 1 }, true],
    ["n = 2", "/v1/chat/completions", { stream: true, messages, n: 2 }, false],
    [
      "tools",
      "/v1/chat/completions",
      { stream: true, messages, tools: [{ type: "function", function: { name: "f" } }] },
      false,
    ],
    ["an empty tools list", "/v1/chat/completions", { stream: true, messages, tools: [] }, true],
    ["functions (legacy)", "/v1/chat/completions", { stream: true, messages, functions: [{ name: "f" }] }, false],
    ["not a stream", "/v1/chat/completions", { messages }, false],
    ["another route", "/v1/completions", { stream: true, prompt: "x" }, false],
  ])("%s → %s", (_n, route, body, ok) => expect(requestResumable(route, body)).toBe(ok));
});

describe("readSoFar", () => {
  it("reads id, model, the text and one token per content event; a cut last event does not count", () => {
    const bytes = Buffer.from(
      `${chunk({ role: "assistant", content: "" }) + chunk({ content: "Hel" }) + chunk({ content: "lo" })}data: {"choices":[{"delta":{"content":"NO`,
    );
    const s = readSoFar(bytes);
    expect(s).toEqual({ id: "chatcmpl-1", model: "m", text: "Hello", tokens: 2, unresumable: false, finished: false });
    expect(streamResumable(s)).toBe(true);
  });
  it.each([
    ["reasoning output", chunk({ reasoning_content: "hmm" }) + chunk({ content: "a" })],
    ["a tool call", chunk({ content: "a" }) + chunk({ tool_calls: [{ index: 0 }] })],
    ["a finish reason", chunk({ content: "a" }) + ev({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })],
    ["no content yet", chunk({ role: "assistant", content: "" })],
  ])("%s: not resumable", (_n, events) => expect(streamResumable(readSoFar(Buffer.from(events)))).toBe(false));
});

describe("continuationBody", () => {
  const body = { model: "m", stream: true, messages, max_tokens: 100 };
  const soFar = { text: "Hello", tokens: 2 };
  it("vLLM: continue_final_message, no generation prompt, max_tokens reduced, usage asked for", () => {
    expect(continuationBody(body, "vllm", soFar)).toEqual({
      ...body,
      messages: [...messages, { role: "assistant", content: "Hello" }],
      max_tokens: 98,
      stream_options: { include_usage: true },
      continue_final_message: true,
      add_generation_prompt: false,
    });
  });
  it.each(["llamacpp", "ollama"] as const)("%s: the final assistant message alone", (type) => {
    const b = continuationBody({ ...body, max_tokens: undefined, max_completion_tokens: 10 }, type, soFar)!;
    expect(b.messages).toEqual([...messages, { role: "assistant", content: "Hello" }]);
    expect(b.max_completion_tokens).toBe(8);
    expect(b).not.toHaveProperty("continue_final_message");
  });
  it.each(["openai_compatible", "xllm", "lm_studio", "unknown"] as const)("%s: no resume", (type) =>
    expect(continuationBody(body, type, soFar)).toBeNull(),
  );
  it("no token left: no resume", () => expect(continuationBody({ ...body, max_tokens: 2 }, "vllm", soFar)).toBeNull());
});

describe("ContinuationSplice", () => {
  it("marks the seam, keeps id and model, drops the role delta, index 0, sums usage, passes [DONE]", () => {
    const s = new ContinuationSplice("chatcmpl-1", "m", 2);
    const cont =
      ev({
        id: "other",
        model: "M2",
        choices: [{ index: 3, delta: { role: "assistant", content: "" }, finish_reason: null }],
      }) +
      ev({
        id: "other",
        model: "M2",
        choices: [{ index: 0, delta: { role: "assistant", content: " world" }, finish_reason: null }],
      });
    const out = s.push(Buffer.from(cont))!.toString();
    expect(out).toBe(RESUMED_COMMENT + chunk({ content: " world" }));
    const tail = `${ev({ id: "other", choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } })}data: [DONE]\n\n`;
    expect(s.push(Buffer.from(tail))!.toString()).toBe(
      `${ev({ id: "chatcmpl-1", choices: [], usage: { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 }, model: "m" })}data: [DONE]\n\n`,
    );
    expect(s.end(false)).toBeNull();
    expect(s.end(true)!.toString()).toContain("upstream_stream_error");
  });
});
