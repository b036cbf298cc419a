// The Anthropic Messages routes on the /v1 path: what a request becomes (an answer here, or a chat completion to
// forward with its answer's translation), decided from the parsed body.
import type { EndpointType } from "../../db/constants";
import { isJsonObject } from "../../json";
import type { AnswerTranslation } from "../attempt";
import type { RouteEndpoint } from "../routing-table";
import type { EventTransform } from "../sse-writer";
import { estimatePromptTokens } from "../token-estimate";
import type { ProxyError } from "../errors";
import { anthropicError, upstreamErrorBody } from "./errors";
import { toChatRequest, withoutTopK, type MessagesContext } from "./request";
import { toAnthropicMessage } from "./response";
import { AnthropicStream, PING } from "./stream";

export const MESSAGES_ROUTE = "/v1/messages";
export const COUNT_TOKENS_ROUTE = "/v1/messages/count_tokens";
export const ANTHROPIC_ROUTES: ReadonlySet<string> = new Set([MESSAGES_ROUTE, COUNT_TOKENS_ROUTE]);
/** Where a Messages request goes upstream, on every endpoint type. */
export const UPSTREAM_ROUTE = "/v1/chat/completions";

/** Engines whose OpenAI API takes `top_k`; the others (hosted OpenAI-compatible APIs) may refuse it. */
const TAKES_TOP_K: ReadonlySet<EndpointType> = new Set(["vllm", "llamacpp", "lm_studio", "ollama"]);

type Json = Record<string, unknown>;

export type MessagesPlan =
  | { kind: "invalid"; reason: string }
  /** count_tokens: answered here */
  | { kind: "answer"; body: string }
  | {
      kind: "forward";
      payload: Buffer;
      payloadFor: ((ep: RouteEndpoint) => Buffer) | null;
      translation: AnswerTranslation;
      stream: boolean;
    };

/** An upstream's answer to a translated request, as the Anthropic client reads it. */
class MessagesAnswer implements AnswerTranslation {
  constructor(private readonly ctx: MessagesContext) {}

  body(status: number, body: Buffer): Buffer | null {
    if (status >= 300) return Buffer.from(upstreamErrorBody(status, body));
    let chat: unknown;
    try {
      chat = JSON.parse(body.toString("utf8"));
    } catch {
      return null;
    }
    return isJsonObject(chat) ? Buffer.from(JSON.stringify(toAnthropicMessage(chat, this.ctx))) : null;
  }

  stream(): EventTransform {
    return new AnthropicStream(this.ctx);
  }

  readonly keepAlive = PING;

  errorEvent(e: ProxyError): Buffer {
    return Buffer.from(`event: error\ndata: ${anthropicError(e).body}\n\n`);
  }
}

/** What a request to `route` (one of ANTHROPIC_ROUTES) with this body (a JSON object naming a model) comes to. */
export function planMessages(route: string, body: Json): MessagesPlan {
  if (route === COUNT_TOKENS_ROUTE) {
    // count_tokens takes no max_tokens: the translation's check is given one
    const t = toChatRequest({ ...body, max_tokens: 1, stream: false });
    return t.ok
      ? { kind: "answer", body: JSON.stringify({ input_tokens: estimatePromptTokens(t.chat) }) }
      : { kind: "invalid", reason: t.reason };
  }
  const t = toChatRequest(body);
  if (!t.ok) return { kind: "invalid", reason: t.reason };
  const payload = Buffer.from(JSON.stringify(t.chat));
  let payloadFor: ((ep: RouteEndpoint) => Buffer) | null = null;
  if ("top_k" in t.chat) {
    const refused = Buffer.from(JSON.stringify(withoutTopK(t.chat)));
    payloadFor = (ep) => (TAKES_TOP_K.has(ep.type) ? payload : refused);
  }
  return { kind: "forward", payload, payloadFor, translation: new MessagesAnswer(t.ctx), stream: t.ctx.stream };
}
