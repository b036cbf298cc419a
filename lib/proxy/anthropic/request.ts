// Anthropic Messages request → OpenAI chat-completions body, the one every endpoint type is sent. Pure.
import { isJsonObject } from "../../json";

type Json = Record<string, unknown>;

/** What the answer's translation needs to know of the request. */
export interface MessagesContext {
  /** the model as the client named it (the answer names it so) */
  model: string;
  stream: boolean;
  stopSequences: string[];
}

export type Translated = { ok: true; chat: Json; ctx: MessagesContext } | { ok: false; reason: string };

class Invalid extends Error {}
const fail = (reason: string): never => {
  throw new Invalid(reason);
};

/** Thinking blocks a client sends back in its history: the engines behind OpenAI's API take no such input. */
const DROPPED_BLOCKS = new Set(["thinking", "redacted_thinking"]);

const text = (v: unknown, where: string): string => (typeof v === "string" ? v : fail(`${where} must be a string`));

/** The text of a `system` prompt or a tool result: a string, or text blocks joined by blank lines. */
function joinedText(v: unknown, where: string): string {
  if (typeof v === "string") return v;
  if (!Array.isArray(v)) return fail(`${where} must be a string or an array of content blocks`);
  const out: string[] = [];
  for (const b of v) {
    if (!isJsonObject(b)) fail(`${where} must hold content blocks`);
    else if (b.type === "text") out.push(text(b.text, `${where}[].text`));
    else if (b.type === "image") out.push("[image]");
    else fail(`${where}: content block type '${String(b.type)}' is not supported here`);
  }
  return out.join("\n\n");
}

/** An image block as an OpenAI `image_url` part: base64 as a data URL, or the URL. */
function imagePart(b: Json): Json {
  const s = isJsonObject(b.source) ? b.source : fail("an image block needs a `source`");
  if (s.type === "base64")
    return {
      type: "image_url",
      image_url: { url: `data:${text(s.media_type, "source.media_type")};base64,${text(s.data, "source.data")}` },
    };
  if (s.type === "url") return { type: "image_url", image_url: { url: text(s.url, "source.url") } };
  return fail(`image source type '${String(s.type)}' is not supported`);
}

/** A user or assistant content as a string when it is text only (what every engine reads), else parts. */
const content = (parts: Json[]): string | Json[] =>
  parts.every((p) => p.type === "text") ? parts.map((p) => p.text as string).join("\n\n") : parts;

/** One user turn: its tool results first (each a `tool` message, answering the assistant's calls), then its content. */
function userMessages(blocks: unknown[], out: Json[]): void {
  const parts: Json[] = [];
  for (const b of blocks) {
    if (!isJsonObject(b)) fail("messages[].content must hold content blocks");
    else if (b.type === "text") parts.push({ type: "text", text: text(b.text, "text block") });
    else if (b.type === "image") parts.push(imagePart(b));
    else if (b.type === "tool_result") {
      const result = b.content === undefined ? "" : joinedText(b.content, "tool_result.content");
      out.push({
        role: "tool",
        tool_call_id: text(b.tool_use_id, "tool_result.tool_use_id"),
        content: b.is_error === true ? `Error: ${result}` : result,
      });
    } else if (!DROPPED_BLOCKS.has(String(b.type)))
      fail(`content block type '${String(b.type)}' is not supported in a user message`);
  }
  if (parts.length) out.push({ role: "user", content: content(parts) });
}

/** One assistant turn: its text as content, its `tool_use` blocks as `tool_calls`. */
function assistantMessage(blocks: unknown[]): Json {
  const texts: string[] = [];
  const calls: Json[] = [];
  for (const b of blocks) {
    if (!isJsonObject(b)) fail("messages[].content must hold content blocks");
    else if (b.type === "text") texts.push(text(b.text, "text block"));
    else if (b.type === "tool_use") {
      const args = JSON.stringify(b.input ?? {});
      calls.push({
        id: text(b.id, "tool_use.id"),
        type: "function",
        function: { name: text(b.name, "tool_use.name"), arguments: args },
      });
    } else if (!DROPPED_BLOCKS.has(String(b.type)))
      fail(`content block type '${String(b.type)}' is not supported in an assistant message`);
  }
  const message: Json = { role: "assistant", content: texts.length ? texts.join("\n\n") : null };
  if (calls.length) message.tool_calls = calls;
  return message;
}

function messages(system: unknown, input: unknown): Json[] {
  const out: Json[] = [];
  if (system !== undefined) out.push({ role: "system", content: joinedText(system, "system") });
  if (!Array.isArray(input) || input.length === 0) fail("`messages` must be a non-empty array");
  for (const m of input as unknown[]) {
    if (!isJsonObject(m)) fail("each message must be an object");
    const { role, content: c } = m as Json;
    if (role !== "user" && role !== "assistant") fail("a message's `role` must be 'user' or 'assistant'");
    const blocks =
      typeof c === "string"
        ? [{ type: "text", text: c }]
        : Array.isArray(c)
          ? c
          : fail("a message's `content` must be a string or an array");
    if (role === "user") userMessages(blocks, out);
    else out.push(assistantMessage(blocks));
  }
  return out;
}

function tools(v: unknown): Json[] {
  if (!Array.isArray(v)) return fail("`tools` must be an array");
  return v.map((t: unknown) => {
    if (!isJsonObject(t) || (t.type !== undefined && t.type !== "custom") || !isJsonObject(t.input_schema)) {
      return fail("only client tools (`name`, `input_schema`) can be served; server tools are not");
    }
    const fn: Json = { name: text(t.name, "tools[].name"), parameters: t.input_schema };
    if (t.description !== undefined) fn.description = text(t.description, "tools[].description");
    return { type: "function", function: fn };
  });
}

function toolChoice(v: unknown, chat: Json): void {
  if (!isJsonObject(v)) return fail("`tool_choice` must be an object");
  if (v.type === "auto") chat.tool_choice = "auto";
  else if (v.type === "any") chat.tool_choice = "required";
  else if (v.type === "none") chat.tool_choice = "none";
  else if (v.type === "tool")
    chat.tool_choice = { type: "function", function: { name: text(v.name, "tool_choice.name") } };
  else fail("`tool_choice.type` must be 'auto', 'any', 'tool' or 'none'");
  if (v.disable_parallel_tool_use === true && v.type !== "none") chat.parallel_tool_calls = false;
}

const number = (v: unknown, name: string): number =>
  typeof v === "number" && Number.isFinite(v) ? v : fail(`\`${name}\` must be a number`);

/**
 * The chat-completions body for an Anthropic Messages body (`model` already checked by the caller), or why the
 * body is not a valid Messages request. `top_k` is passed on; the caller drops it for engines that refuse it.
 */
export function toChatRequest(body: Json): Translated {
  try {
    const model = text(body.model, "`model`");
    const maxTokens = number(body.max_tokens, "max_tokens");
    if (!Number.isInteger(maxTokens) || maxTokens < 1) fail("`max_tokens` must be a positive integer");
    const chat: Json = { model, messages: messages(body.system, body.messages), max_tokens: maxTokens };
    const stream = body.stream === true;
    if (stream) {
      chat.stream = true;
      chat.stream_options = { include_usage: true };
    }
    let stopSequences: string[] = [];
    if (body.stop_sequences !== undefined) {
      if (!Array.isArray(body.stop_sequences) || !body.stop_sequences.every((s) => typeof s === "string"))
        fail("`stop_sequences` must be an array of strings");
      stopSequences = body.stop_sequences as string[];
      if (stopSequences.length) chat.stop = stopSequences;
    }
    for (const key of ["temperature", "top_p", "top_k"] as const)
      if (body[key] !== undefined) chat[key] = number(body[key], key);
    if (body.tools !== undefined && (body.tools as unknown[]).length !== 0) chat.tools = tools(body.tools);
    if (body.tool_choice !== undefined) toolChoice(body.tool_choice, chat);
    if (isJsonObject(body.metadata) && typeof body.metadata.user_id === "string") chat.user = body.metadata.user_id;
    return { ok: true, chat, ctx: { model, stream, stopSequences } };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, reason: err.message };
    throw err;
  }
}

/** The same body without `top_k`, for engines that refuse fields they do not know (hosted OpenAI). */
export function withoutTopK(chat: Json): Json {
  const { top_k: _dropped, ...rest } = chat;
  return rest;
}
