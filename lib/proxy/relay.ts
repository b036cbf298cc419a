// What the proxy reads from an upstream's answer (whether a whole answer is one, its usage, an error's message) and
// the error events it writes into a committed stream.
import type { IncomingHttpHeaders } from "node:http";
import { USAGE_KEY, generatedChars, readUsage, type Usage } from "./usage";
import type { AnswerTranslation } from "./attempt";
import type { ProxyError } from "./errors";
import { openAIErrorBody } from "./openai-error";

const OPEN = 0x7b;
const CLOSE = 0x7d;
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** The `"usage":{…}` object of a JSON body, found from the end and parsed alone (the body is not parsed whole). */
function usageObject(body: Buffer): unknown {
  const key = body.lastIndexOf(USAGE_KEY);
  if (key === -1) return undefined;
  const start = body.indexOf(OPEN, key);
  if (start === -1) return undefined;
  let depth = 0;
  for (let i = start; i < body.length; i++) {
    if (body[i] === OPEN) depth++;
    else if (body[i] === CLOSE && --depth === 0) {
      try {
        return JSON.parse(body.toString("utf8", start, i + 1));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The usage an answer's bytes end with (its last `"usage":{…}`), or null. */
export const usageIn = (body: Buffer): Usage | null => readUsage({ usage: usageObject(body) });

/**
 * The most of a whole (non-streamed) answer held for inspection before the client gets any of it: a bad answer
 * within it can still fail over. A larger answer passes on as it comes (its start checked, its usage read from
 * its last bytes), so one 256 MiB answer costs the proxy a few MiB, not twice its size.
 */
export const MAX_INSPECTED_BODY = 4 * 1024 * 1024;
/** The end of a passing answer kept to read its usage from. */
export const USAGE_TAIL_BYTES = 64 * 1024;

/** Whether the start of a 2xx answer too large to hold can be a JSON object (its end is never seen at once). */
export function startsLikeJson(contentType: string, head: Buffer): boolean {
  let a = 0;
  while (a < head.length && isSpace(head[a])) a++;
  return contentType.includes("json") && head[a] === OPEN;
}

/**
 * What a whole (non-streamed) upstream answer says: whether it is an answer at all (a 2xx must be a JSON
 * object), and its usage. On the common path only the usage object is parsed; the whole body is parsed only
 * when there is no usage to read, to estimate tokens from the generated text.
 */
export function inspectBuffered(
  statusCode: number,
  contentType: string,
  body: Buffer,
): { valid: boolean; usage: Usage | null; generatedChars: number } {
  if (statusCode >= 300) return { valid: true, usage: null, generatedChars: 0 };
  let a = 0;
  let z = body.length - 1;
  while (a <= z && isSpace(body[a])) a++;
  while (z >= a && isSpace(body[z])) z--;
  if (!contentType.includes("json") || body[a] !== OPEN || body[z] !== CLOSE)
    return { valid: false, usage: null, generatedChars: 0 };
  const usage = usageIn(body);
  if (usage) return { valid: true, usage, generatedChars: 0 };
  try {
    return { valid: true, usage: null, generatedChars: generatedChars(JSON.parse(body.toString("utf8"))) };
  } catch {
    return { valid: false, usage: null, generatedChars: 0 };
  }
}

export const isEventStream = (headers: IncomingHttpHeaders) =>
  String(headers["content-type"] ?? "").includes("text/event-stream");

export const STREAM_ERROR_EVENT = (message: string) =>
  `data: ${JSON.stringify({ error: { message, type: "server_error", param: null, code: "upstream_stream_error" } })}\n\n`;

/** An error after the response was committed, as an SSE error event of the client's API (never followed by `[DONE]`). */
export function errorEvent(translation: AnswerTranslation | null, e: ProxyError): Buffer {
  if (translation) return translation.errorEvent(e);
  return Buffer.from(`data: ${openAIErrorBody(e.message, e.type, e.code, e.param ?? null)}\n\n`);
}

/** The message of an upstream's error answer (`{error:{message}}` or `{error:"…"}`), or null. */
export function upstreamMessage(body: Buffer): string | null {
  try {
    const json = JSON.parse(body.toString("utf8")) as { error?: { message?: unknown } | string };
    const m = typeof json.error === "string" ? json.error : json.error?.message;
    return typeof m === "string" && m ? m : null;
  } catch {
    return null;
  }
}
