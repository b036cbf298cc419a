// OpenAI chat-completions answer → Anthropic `message`. Pure.
import { isJsonObject } from "../../json";
import type { MessagesContext } from "./request";

type Json = Record<string, unknown>;

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";

/**
 * Anthropic's stop_reason for an OpenAI finish_reason. `matched` is the stop string the engine reports it stopped
 * at (vLLM's `stop_reason`), when it is one of the request's stop_sequences; a `stop` with tool calls is
 * `tool_use` (Ollama finishes tool calls with `stop`).
 */
export function stopReasonOf(finishReason: unknown, hasToolCalls: boolean, matched: string | null): StopReason {
  if (finishReason === "length") return "max_tokens";
  if (finishReason === "tool_calls" || finishReason === "function_call" || hasToolCalls) return "tool_use";
  if (finishReason === "content_filter") return "refusal";
  return matched === null ? "end_turn" : "stop_sequence";
}

/** The stop sequence the engine says it stopped at, when it is one the client asked for. */
export const matchedStop = (choice: Json, ctx: MessagesContext): string | null =>
  typeof choice.stop_reason === "string" && ctx.stopSequences.includes(choice.stop_reason) ? choice.stop_reason : null;

/** A tool call's arguments as the `input` object (an engine's malformed JSON becomes `{}`, never a failure). */
export function toolInput(args: unknown): Json {
  if (isJsonObject(args)) return args;
  if (typeof args !== "string" || !args) return {};
  try {
    const v: unknown = JSON.parse(args);
    return isJsonObject(v) ? v : {};
  } catch {
    return {};
  }
}

/** The message id for an upstream answer's id. */
export const messageId = (id: unknown) =>
  `msg_${typeof id === "string" && id ? id.replace(/^chatcmpl-/, "") : Date.now().toString(36)}`;

const tokens = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.round(v) : 0);

/** The Anthropic `usage` of an OpenAI `usage` (absent counts are 0). */
export const usageOf = (u: unknown) => ({
  input_tokens: tokens(isJsonObject(u) ? u.prompt_tokens : 0),
  output_tokens: tokens(isJsonObject(u) ? u.completion_tokens : 0),
});

/** The Anthropic `message` for a chat completion (its first choice). */
export function toAnthropicMessage(chat: Json, ctx: MessagesContext): Json {
  const choice = Array.isArray(chat.choices) && isJsonObject(chat.choices[0]) ? chat.choices[0] : {};
  const message = isJsonObject(choice.message) ? choice.message : {};
  const content: Json[] = [];
  if (typeof message.content === "string" && message.content) content.push({ type: "text", text: message.content });
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls.filter(isJsonObject) : [];
  calls.forEach((call, i) => {
    const fn = isJsonObject(call.function) ? call.function : {};
    content.push({
      type: "tool_use",
      id: typeof call.id === "string" && call.id ? call.id : `toolu_${i}`,
      name: String(fn.name ?? ""),
      input: toolInput(fn.arguments),
    });
  });
  const matched = matchedStop(choice, ctx);
  return {
    id: messageId(chat.id),
    type: "message",
    role: "assistant",
    model: ctx.model,
    content,
    stop_reason: stopReasonOf(choice.finish_reason, calls.length > 0, matched),
    stop_sequence: matched,
    usage: usageOf(chat.usage),
  };
}
