import type { ServerResponse } from "node:http";

export type OpenAIErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "rate_limit_error"
  | "server_error"
  | "api_error";

export function openAIErrorBody(
  message: string,
  type: OpenAIErrorType,
  code: string | null,
  param: string | null = null,
): string {
  return JSON.stringify({ error: { message, type, param, code } });
}

/** The one /v1 error shape: OpenAI's `{error:{message,type,param,code}}`. */
export function sendOpenAIError(
  res: ServerResponse,
  status: number,
  message: string,
  type: OpenAIErrorType,
  code: string | null,
  param: string | null = null,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const body = openAIErrorBody(message, type, code, param);
  res.writeHead(status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}
