// Every error /v1 answers, in one closed catalogue (as fastify-reply-from's errors.js): code → HTTP status, OpenAI
// error type, the parameter it concerns, Retry-After, and the message. Nothing else builds a /v1 error.
import type { OpenAIErrorType } from "./openai-error";

/** What a message may mention. */
export interface ErrorDetail {
  model?: string;
  method?: string;
  route?: string;
  permission?: string;
  /** an upstream's status, for the errors that pass it on */
  status?: number;
  hops?: number;
  reason?: string;
  retryAfter?: string | null;
}

interface Entry {
  status: number | ((d: ErrorDetail) => number);
  type: OpenAIErrorType;
  message: (d: ErrorDetail) => string;
  param?: string;
  /** Retry-After, fixed, or the upstream's own (passed on when it sent one) */
  retryAfter?: string | "upstream";
}

const upstreamStatus = (d: ErrorDetail) => d.status ?? 502;

export const V1_ERRORS = {
  not_found: { status: 404, type: "invalid_request_error", message: (d) => `Unknown route ${d.method} ${d.route}` },
  invalid_api_key: {
    status: 401,
    type: "authentication_error",
    message: () => "Missing, invalid, expired or revoked API key.",
  },
  forbidden: { status: 403, type: "permission_error", message: (d) => `missing permission: ${d.permission}` },
  invalid_model_id: {
    status: 400,
    type: "invalid_request_error",
    param: "model",
    message: () => "The model id in the path is not valid percent-encoding.",
  },
  request_timeout: {
    status: 408,
    type: "invalid_request_error",
    message: (d) => `The request body was not received within ${d.reason} s.`,
  },
  payload_too_large: { status: 413, type: "invalid_request_error", message: () => "Request body larger than 20 MiB." },
  invalid_json: {
    status: 400,
    type: "invalid_request_error",
    message: (d) => d.reason ?? "The body must be a JSON object.",
  },
  invalid_request: { status: 400, type: "invalid_request_error", message: (d) => `Invalid request: ${d.reason}.` },
  context_length_exceeded: {
    status: 400,
    type: "invalid_request_error",
    param: "messages",
    message: (d) =>
      `The prompt (about ${d.reason} tokens with max_tokens) is longer than the context of every endpoint serving '${d.model}'.`,
  },
  missing_model: {
    status: 400,
    type: "invalid_request_error",
    param: "model",
    message: () => "`model` is required and must be a string.",
  },
  model_not_found: {
    status: 404,
    type: "invalid_request_error",
    param: "model",
    message: (d) => `The model '${d.model}' does not exist.`,
  },
  loop_detected: {
    status: 508,
    type: "invalid_request_error",
    message: (d) =>
      `The request already passed through this load balancer (${d.hops} hops): an endpoint points back at it.`,
  },
  unforwardable_request: {
    status: 400,
    type: "invalid_request_error",
    message: (d) => `The request cannot be forwarded: ${d.reason}.`,
  },
  no_endpoint_available: {
    status: 503,
    type: "server_error",
    retryAfter: "5",
    message: (d) => `No online endpoint serves '${d.model}' right now.`,
  },
  queue_full: { status: 429, type: "rate_limit_error", retryAfter: "1", message: () => "Too many queued requests." },
  queue_timeout: {
    status: 503,
    type: "server_error",
    retryAfter: "5",
    message: () => "Timed out waiting for a free endpoint.",
  },
  rate_limited: {
    status: 429,
    type: "rate_limit_error",
    retryAfter: "upstream",
    message: (d) => `Every endpoint serving '${d.model}' failed (last: HTTP 429).`,
  },
  upstream_error: {
    status: upstreamStatus,
    type: "server_error",
    retryAfter: "upstream",
    message: (d) => `Every endpoint serving '${d.model}' failed (last: HTTP ${d.status}).`,
  },
  upstream_redirect: {
    status: 502,
    type: "server_error",
    message: (d) =>
      `Every endpoint serving '${d.model}' answered with a redirect (last: HTTP ${d.status}), which is not followed.`,
  },
  upstream_timeout: { status: 504, type: "server_error", message: () => "The upstream endpoint timed out." },
  upstream_unreachable: {
    status: 502,
    type: "server_error",
    retryAfter: "5",
    message: () => "No endpoint could be reached.",
  },
  internal_error: { status: 500, type: "server_error", message: () => "internal error" },
} satisfies Record<string, Entry>;

export type V1ErrorCode = keyof typeof V1_ERRORS;

/**
 * Codes a request's log row may carry besides the answered errors: what happened after the answer began (the
 * stream broke, the client left). They are never an HTTP answer.
 */
export type V1OutcomeCode = "upstream_stream_error" | "client_disconnected";

/** An answered /v1 error, ready to send. */
export interface ProxyError {
  code: V1ErrorCode;
  status: number;
  message: string;
  type: OpenAIErrorType;
  param?: string;
  headers?: Record<string, string>;
}

/** The catalogue's error for `code`, its message and status filled from `detail`. */
export function v1Error(code: V1ErrorCode, detail: ErrorDetail = {}): ProxyError {
  const e: Entry = V1_ERRORS[code];
  const retryAfter = e.retryAfter === "upstream" ? (detail.retryAfter ?? null) : (e.retryAfter ?? null);
  return {
    code,
    status: typeof e.status === "function" ? e.status(detail) : e.status,
    message: e.message(detail),
    type: e.type,
    ...(e.param ? { param: e.param } : {}),
    ...(retryAfter ? { headers: { "retry-after": retryAfter } } : {}),
  };
}

export const INTERNAL_ERROR = v1Error("internal_error");
