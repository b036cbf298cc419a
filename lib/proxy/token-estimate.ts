// The prompt's size in tokens, estimated before any upstream is asked (context fit, SPEC §14). Pure.
// Four characters a token (the usual rule of thumb) over what the model reads: message contents, tools and the
// system text. Shared with the Anthropic route (same name, same signature), so the two can be merged into one.

/** Characters of text in a content value: a string, or parts with `text` (OpenAI and Anthropic shapes). */
function contentChars(content: unknown): number {
  if (typeof content === "string") return content.length;
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) {
    if (typeof part === "string") n += part.length;
    else if (typeof part === "object" && part !== null) {
      const p = part as Record<string, unknown>;
      if (typeof p.text === "string") n += p.text.length;
      else if (p.content !== undefined) n += contentChars(p.content);
    }
  }
  return n;
}

/** Estimated prompt tokens of a chat body (chat/completions, completions, responses, messages). */
export function estimatePromptTokens(body: Record<string, unknown>): number {
  let chars = contentChars(body.system) + contentChars(body.prompt) + contentChars(body.input) + contentChars(body.instructions);
  if (Array.isArray(body.messages)) {
    for (const m of body.messages) {
      if (typeof m !== "object" || m === null) continue;
      const msg = m as Record<string, unknown>;
      chars += contentChars(msg.content);
      if (msg.tool_calls !== undefined) chars += JSON.stringify(msg.tool_calls).length;
    }
  }
  if (Array.isArray(body.tools)) chars += JSON.stringify(body.tools).length;
  return Math.ceil(chars / 4);
}

/** The completion budget a request asks for (OpenAI's two names and Anthropic's), 0 when it names none. */
export function requestedMaxTokens(body: Record<string, unknown>): number {
  for (const key of ["max_completion_tokens", "max_tokens", "max_output_tokens"]) {
    const v = body[key];
    if (typeof v === "number" && Number.isFinite(v) && v > 0) return Math.floor(v);
  }
  return 0;
}
