// The /v1 errors in Anthropic's shape, `{"type":"error","error":{"type","message"}}`: each code of the one catalogue
// (../errors.ts) mapped to Anthropic's error type, and an upstream's own error answers re-shaped. Pure but for send.
import type { ServerResponse } from "node:http";
import { isJsonObject } from "../../json";
import type { ProxyError, V1ErrorCode } from "../errors";

export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

/** Anthropic's status for an overloaded service (the admission queue full, or waited in too long). */
export const OVERLOADED_STATUS = 529;

/** Every catalogue code's Anthropic type; `status` where Anthropic's differs from the catalogue's. */
export const ANTHROPIC_ERRORS: Record<V1ErrorCode, { type: AnthropicErrorType; status?: number }> = {
  not_found: { type: "not_found_error" },
  invalid_api_key: { type: "authentication_error" },
  forbidden: { type: "permission_error" },
  invalid_model_id: { type: "invalid_request_error" },
  request_timeout: { type: "invalid_request_error" },
  payload_too_large: { type: "request_too_large" },
  invalid_json: { type: "invalid_request_error" },
  invalid_request: { type: "invalid_request_error" },
  context_length_exceeded: { type: "invalid_request_error" },
  missing_model: { type: "invalid_request_error" },
  model_not_found: { type: "not_found_error" },
  loop_detected: { type: "invalid_request_error" },
  unforwardable_request: { type: "invalid_request_error" },
  no_endpoint_available: { type: "api_error" },
  queue_full: { type: "overloaded_error", status: OVERLOADED_STATUS },
  queue_timeout: { type: "overloaded_error", status: OVERLOADED_STATUS },
  rate_limited: { type: "rate_limit_error" },
  upstream_error: { type: "api_error" },
  upstream_redirect: { type: "api_error" },
  upstream_timeout: { type: "api_error" },
  upstream_unreachable: { type: "api_error" },
  internal_error: { type: "api_error" },
};

export const anthropicErrorBody = (type: AnthropicErrorType, message: string) =>
  JSON.stringify({ type: "error", error: { type, message } });

/** The status and body of a catalogue error on an Anthropic route. */
export function anthropicError(e: ProxyError): { status: number; body: string } {
  const a = ANTHROPIC_ERRORS[e.code];
  return { status: a.status ?? e.status, body: anthropicErrorBody(a.type, e.message) };
}

/** Anthropic's type for an upstream's own 4xx answer (passed on with its status). */
export function typeOfStatus(status: number): AnthropicErrorType {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 413) return "request_too_large";
  if (status === 429) return "rate_limit_error";
  if (status === OVERLOADED_STATUS) return "overloaded_error";
  return status >= 500 ? "api_error" : "invalid_request_error";
}

/** An upstream's error answer (OpenAI's `{error:{message}}`, Ollama's `{error:"…"}`, or anything) in Anthropic's shape. */
export function upstreamErrorBody(status: number, body: Buffer): string {
  let message = `The upstream endpoint answered HTTP ${status}.`;
  try {
    const json: unknown = JSON.parse(body.toString("utf8"));
    const e = isJsonObject(json) ? json.error : undefined;
    const m = isJsonObject(e) ? e.message : e;
    if (typeof m === "string" && m) message = m;
  } catch {
    // not JSON: the generic message
  }
  return anthropicErrorBody(typeOfStatus(status), message);
}

/** Answers a catalogue error in Anthropic's shape (when nothing was sent yet). */
export function sendAnthropicError(res: ServerResponse, e: ProxyError, headers: Record<string, string>): void {
  if (res.headersSent) return;
  const { status, body } = anthropicError(e);
  res.writeHead(status, {
    ...e.headers,
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}
