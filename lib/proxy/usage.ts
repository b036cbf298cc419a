// Token accounting maths. Pure.
import { isJsonObject } from "../json";

export interface Usage {
  promptTokens: number | null;
  completionTokens: number;
  estimated: boolean;
}

/** The key an answer's token counts sit under, as bytes: looked for in bodies and streams without decoding them. */
export const USAGE_KEY = Buffer.from('"usage"');

const count = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.round(v) : null);

/** Reads `usage` in chat/completions shape (`prompt_tokens`, `completion_tokens`) or Responses shape (`input_tokens`, `output_tokens`). */
export function readUsage(body: unknown): Usage | null {
  const u = isJsonObject(body)
    ? isJsonObject(body.usage)
      ? body.usage
      : isJsonObject(body.response) && isJsonObject(body.response.usage)
        ? body.response.usage
        : null
    : null;
  if (!u) return null;
  const completion = count(u.completion_tokens) ?? count(u.output_tokens);
  const prompt = count(u.prompt_tokens) ?? count(u.input_tokens);
  if (completion === null && prompt === null) return null;
  return { promptTokens: prompt, completionTokens: completion ?? 0, estimated: false };
}

/** Roughly four characters a token, the usual rule of thumb; used only when the upstream reports no usage. */
export const estimateTokens = (chars: number) => (chars > 0 ? Math.max(1, Math.round(chars / 4)) : 0);

/** Characters of generated text in a chat/completions/responses body. */
export function generatedChars(body: unknown): number {
  if (!isJsonObject(body)) return 0;
  let n = 0;
  if (Array.isArray(body.choices)) {
    for (const c of body.choices) {
      if (!isJsonObject(c)) continue;
      if (typeof c.text === "string") n += c.text.length;
      if (isJsonObject(c.message) && typeof c.message.content === "string") n += c.message.content.length;
    }
  }
  if (Array.isArray(body.output)) n += JSON.stringify(body.output).length;
  return n;
}

export const TPS_ALPHA = 0.2;

/** Exponential moving average of tokens/s; the first sample is taken as is. */
export function nextTpsEma(previous: number | null, tokens: number, seconds: number): number | null {
  if (tokens <= 0 || seconds <= 0) return previous;
  const sample = tokens / seconds;
  return previous === null ? sample : TPS_ALPHA * sample + (1 - TPS_ALPHA) * previous;
}
