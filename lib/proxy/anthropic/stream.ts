// OpenAI chat-completions SSE chunks → Anthropic's Messages event sequence, in bytes. Pure (no I/O, no clock):
// the SSE writer feeds it the complete events the relay passes and writes what it returns.
import { StringDecoder } from "node:string_decoder";
import { isJsonObject } from "../../json";
import type { EventTransform } from "../sse-writer";
import { anthropicErrorBody } from "./errors";
import type { MessagesContext } from "./request";
import { matchedStop, messageId, stopReasonOf, usageOf, type StopReason } from "./response";

type Json = Record<string, unknown>;

const frame = (type: string, data: Json) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
/** Anthropic's keep-alive event (lib/proxy/keep-alive.ts writes it in silences) */
export const PING = Buffer.from(frame("ping", {}));
const EVENT_END = /\r?\n\r?\n/;
export const MID_STREAM_FAILURE = "The upstream endpoint failed mid-stream.";

/**
 * One stream's translation. Blocks are opened as the deltas come: text → a `text` block, each tool call (by its
 * OpenAI index) → a `tool_use` block whose argument fragments are `input_json_delta`s; a block closes when the
 * next one opens. `message_start` (and a `ping`, as Anthropic sends) leave with the first event; `message_delta`
 * and `message_stop` at `[DONE]` or the upstream's end, with the usage of the last chunk that carried one.
 */
export class AnthropicStream implements EventTransform {
  private started = false;
  private finished = false;
  /** the Anthropic index of the open block, -1 when none */
  private open = -1;
  private openKind: "text" | "tool" | null = null;
  private next = 0;
  /** OpenAI tool-call index → Anthropic block index */
  private tools = new Map<number, number>();
  private finishReason: unknown = null;
  private matched: string | null = null;
  private usage: Json | null = null;
  /** an event cut between pushes (only when the relay passed an oversized one in pieces) */
  private carry = "";
  private readonly decoder = new StringDecoder("utf8");

  constructor(private readonly ctx: MessagesContext) {}

  push(events: Buffer): Buffer | null {
    if (this.finished) return null;
    const parts = (this.carry + this.decoder.write(events)).split(EVENT_END);
    this.carry = parts.pop()!;
    let out = "";
    for (const event of parts) out += this.event(event);
    return out ? Buffer.from(out) : null;
  }

  end(broken: boolean): Buffer | null {
    let out = this.carry ? this.event(this.carry) : "";
    this.carry = "";
    if (this.finished) return out ? Buffer.from(out) : null;
    if (broken) {
      this.finished = true;
      out += `event: error\ndata: ${anthropicErrorBody("api_error", MID_STREAM_FAILURE)}\n\n`;
    } else out += this.finish();
    return Buffer.from(out);
  }

  /** One upstream event (without its blank line): the Anthropic events it makes. */
  private event(event: string): string {
    if (this.finished) return "";
    let data = "";
    for (const line of event.split(/\r?\n/)) if (line.startsWith("data:")) data += line.slice(line[5] === " " ? 6 : 5);
    if (!data) return "";
    if (data === "[DONE]") return this.finish();
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return ""; // not JSON: nothing Anthropic's clients could read
    }
    if (!isJsonObject(chunk)) return "";
    if (chunk.error !== undefined) return this.upstreamError(chunk.error);
    let out = this.start(chunk);
    if (isJsonObject(chunk.usage)) this.usage = chunk.usage;
    const choice = Array.isArray(chunk.choices) && isJsonObject(chunk.choices[0]) ? chunk.choices[0] : null;
    if (!choice) return out;
    const delta = isJsonObject(choice.delta) ? choice.delta : {};
    if (typeof delta.content === "string" && delta.content) {
      if (this.openKind !== "text") out += this.openBlock("text", { type: "text", text: "" });
      out += frame("content_block_delta", { index: this.open, delta: { type: "text_delta", text: delta.content } });
    }
    if (Array.isArray(delta.tool_calls))
      for (const call of delta.tool_calls) if (isJsonObject(call)) out += this.toolDelta(call);
    if (choice.finish_reason) {
      this.finishReason = choice.finish_reason;
      this.matched = matchedStop(choice, this.ctx);
    }
    return out;
  }

  private start(chunk: Json): string {
    if (this.started) return "";
    this.started = true;
    const message = {
      id: messageId(chunk.id),
      type: "message",
      role: "assistant",
      model: this.ctx.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return frame("message_start", { message }) + frame("ping", {});
  }

  private openBlock(kind: "text" | "tool", block: Json): string {
    const out = this.closeBlock();
    this.open = this.next++;
    this.openKind = kind;
    return out + frame("content_block_start", { index: this.open, content_block: block });
  }

  private closeBlock(): string {
    if (this.open === -1) return "";
    const out = frame("content_block_stop", { index: this.open });
    this.open = -1;
    this.openKind = null;
    return out;
  }

  private toolDelta(call: Json): string {
    const i = typeof call.index === "number" ? call.index : 0;
    const fn = isJsonObject(call.function) ? call.function : {};
    let out = "";
    let index = this.tools.get(i);
    if (index === undefined) {
      const id = typeof call.id === "string" && call.id ? call.id : `toolu_${this.tools.size}`;
      out += this.openBlock("tool", { type: "tool_use", id, name: String(fn.name ?? ""), input: {} });
      index = this.open;
      this.tools.set(i, index);
    }
    if (typeof fn.arguments === "string" && fn.arguments)
      out += frame("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: fn.arguments } });
    return out;
  }

  private finish(): string {
    if (this.finished) return "";
    const out = this.start({}) + this.closeBlock();
    this.finished = true;
    const stop: StopReason = stopReasonOf(this.finishReason, this.tools.size > 0, this.matched);
    const delta = { stop_reason: stop, stop_sequence: this.matched };
    return out + frame("message_delta", { delta, usage: usageOf(this.usage) }) + frame("message_stop", {});
  }

  private upstreamError(error: unknown): string {
    this.finished = true;
    const m = isJsonObject(error) ? error.message : error;
    return `event: error\ndata: ${anthropicErrorBody("api_error", typeof m === "string" && m ? m : MID_STREAM_FAILURE)}\n\n`;
  }
}
