import { describe, expect, it } from "vitest";
import { MAX_KEPT_BYTES, readSoFar, streamResumable } from "./resume";
import { StreamTrace } from "./stream-trace";

const ev = (o: object) => `data: ${JSON.stringify(o)}\n\n`;
const chunk = (delta: object, extra: object = {}) =>
  ev({ id: "chatcmpl-1", model: "m", choices: [{ index: 0, delta, finish_reason: null }], ...extra });

/** The trace of `stream` pushed in pieces of `size` bytes. */
function traced(stream: Buffer, size: number): { trace: StreamTrace; open: boolean } {
  const trace = new StreamTrace();
  let open = true;
  for (let at = 0; at < stream.length && open; at += size) open = trace.push(stream.subarray(at, at + size));
  return { trace, open };
}

describe("StreamTrace", () => {
  const events = [chunk({ role: "assistant", content: "" })];
  for (let i = 0; i < 300; i++) events.push(chunk({ content: `tok${i} é` }));
  const stream = Buffer.from(
    `${events.join("").replaceAll("\n\n", (m, at: number) => (at % 3 ? m : "\r\n\r\n"))}data: {"cut`,
  );

  it.each([1, 7, 64, 333, 5000])("read as it goes in pieces of %i bytes, it reads what readSoFar reads", (size) => {
    const trace = new StreamTrace();
    let most = 0;
    for (let at = 0; at < stream.length; at += size) {
      expect(trace.push(stream.subarray(at, at + size))).toBe(true);
      most = Math.max(most, trace.held);
    }
    expect(trace.read()).toEqual(readSoFar(stream));
    expect(trace.read().tokens).toBe(300);
    // the events are read as they come: at most one event cut short is held, never the stream
    expect(most).toBeLessThan(Math.max(...events.map((e) => Buffer.byteLength(e) + 2), size));
    expect(stream.length).toBeGreaterThan(50 * events[1].length);
  });

  it("an event cut across pieces is held whole until it ends", () => {
    const trace = new StreamTrace();
    const big = chunk({ content: "x".repeat(6000) });
    trace.push(Buffer.from(big.slice(0, 100)));
    trace.push(Buffer.from(big.slice(100)));
    trace.push(Buffer.from(chunk({ content: "y" })));
    expect(trace.held).toBe(0);
    expect(trace.read().text).toBe(`${"x".repeat(6000)}y`);
  });

  it("stops holding anything past MAX_KEPT_BYTES", () => {
    const trace = new StreamTrace();
    const piece = Buffer.from(chunk({ content: "z".repeat(1000) }));
    let pushed = 0;
    while (trace.push(piece)) pushed += piece.length;
    expect(pushed).toBeLessThanOrEqual(MAX_KEPT_BYTES);
    expect(pushed + piece.length).toBeGreaterThan(MAX_KEPT_BYTES);
    expect(trace.held).toBe(0);
  });

  // engines' chunks as they come (vLLM, llama.cpp, Ollama, LM Studio, Python's json.dumps spacing), and the
  // chunks the one pass must leave to JSON.parse: each stream is read exactly as readSoFar reads it
  const start = chunk({ role: "assistant", content: "" });
  const cases: Array<[string, string]> = [
    [
      "vLLM (logprobs null, a usage null)",
      `data: {"id":"cmpl-9","object":"chat.completion.chunk","created":1,"model":"q","choices":[{"index":0,"delta":{"content":" is"},"logprobs":null,"finish_reason":null}],"usage":null}\n\n`,
    ],
    [
      "llama.cpp (choices first, id last)",
      `data: {"choices":[{"finish_reason":null,"index":0,"delta":{"content":"Hi"}}],"created":1,"id":"chatcmpl-x","model":"g","system_fingerprint":"b1","object":"chat.completion.chunk"}\n\n`,
    ],
    [
      "json.dumps spacing",
      `data: { "id" : "c", "model" : "m", "choices" : [ { "index" : 0 , "delta" : { "content" : "a b" } , "finish_reason" : null } ] }\r\n\r\n`,
    ],
    ["escapes and unicode", chunk({ content: 'line\n"quoted" \\ tab\t é 漢字 😀 \u0001' })],
    [
      "a surrogate pair cut between chunks",
      `${chunk({ content: "a" })}data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"\\ud83d"}}]}\n\ndata: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"\\ude00"}}]}\n\n`,
    ],
    ["empty tool_calls and null reasoning", chunk({ content: "x", tool_calls: [], reasoning_content: null })],
    [
      "a content key in logprobs",
      chunk(
        { content: "x" },
        { choices: [{ index: 0, delta: { content: "y" }, logprobs: { content: [{ token: "y", content: "z" }] } }] },
      ),
    ],
    ["content null", chunk({ content: null }) + chunk({ content: "w" })],
    [
      "a comment and an event with two data lines",
      `: ping\n\ndata: {"id":"c","model":"m",\ndata: "choices":[]}\n\n${chunk({ content: "v" })}`,
    ],
    ["reasoning output", chunk({ reasoning_content: "hmm" }) + chunk({ content: "a" })],
    ["reasoning as an empty string", chunk({ reasoning: "" }) + chunk({ content: "a" })],
    ["a tool call", chunk({ content: "a" }) + chunk({ tool_calls: [{ index: 0, id: "t" }] })],
    ["a function call", chunk({ content: "a" }) + chunk({ function_call: { name: "f" } })],
    [
      "a second choice",
      chunk({ content: "a" }) + ev({ id: "c", model: "m", choices: [{ index: 1, delta: { content: "b" } }] }),
    ],
    [
      "two choices in one chunk",
      ev({
        id: "c",
        model: "m",
        choices: [
          { index: 0, delta: { content: "a" } },
          { index: 0, delta: { content: "b" } },
        ],
      }),
    ],
    ["index as a string", ev({ id: "c", model: "m", choices: [{ index: "0", delta: { content: "a" } }] })],
    [
      "index 0.0",
      `${chunk({ content: "a" })}data: {"id":"c","model":"m","choices":[{"index":0.0,"delta":{"content":"b"}}]}\n\n`,
    ],
    ["a finish reason", chunk({ content: "a" }) + ev({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })],
    ["[DONE]", `${chunk({ content: "a" })}data: [DONE]\n\n`],
    [
      "a duplicate content key (the last counts)",
      `data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"a","content":"b"}}]}\n\n`,
    ],
    [
      "a duplicate delta key",
      `data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"a"},"delta":null}]}\n\n${chunk({ content: "c" })}`,
    ],
    [
      "a duplicate choices key",
      `data: {"id":"c","model":"m","choices":[{"delta":{"content":"a"}}],"choices":[]}\n\n${chunk({ content: "c" })}`,
    ],
    [
      "a key spelled with an escape",
      `data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"con\\u0074ent":"a"}}]}\n\n`,
    ],
    ["not JSON", `${chunk({ content: "a" })}data: {"id":"c","choices":[{"delta":{"content":"b"}}]\n\n`],
    [
      "an invalid escape",
      `${chunk({ content: "a" })}data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"\\q"}}]}\n\n`,
    ],
    ["a non-string id first", `data: {"id":1,"choices":[{"delta":{"content":"a"}}]}\n\n${chunk({ content: "b" })}`],
    [
      "a non-ASCII space before the brace",
      `data:\u00a0${JSON.stringify({ id: "c", model: "m", choices: [{ delta: { content: "a" } }] })}\n\n`,
    ],
    ["text after the object", `${chunk({ content: "a" })}data: {"id":"c","model":"m","choices":[]} x\n\n`],
  ];
  it.each(cases)("%s: read as readSoFar reads it, in any pieces", (_name, events) => {
    const stream = Buffer.from(start + events + chunk({ content: "end" }));
    const want = readSoFar(stream);
    for (const size of [1, 5, 64, stream.length]) {
      const { trace, open } = traced(stream, size);
      if (open) expect(trace.read()).toEqual(want);
      // a trace that stopped did so because the stream can no longer be resumed
      else expect(streamResumable(want)).toBe(false);
    }
  });

  it("stops once the stream cannot be resumed, and holds nothing after", () => {
    const trace = new StreamTrace();
    expect(trace.push(Buffer.from(start + chunk({ content: "a" })))).toBe(true);
    expect(trace.push(Buffer.from(chunk({ reasoning_content: "hmm" }) + chunk({ content: "b" }).slice(0, 20)))).toBe(
      false,
    );
    expect(trace.held).toBe(0);
  });
});
