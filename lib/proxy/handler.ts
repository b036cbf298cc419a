import type { IncomingMessage, ServerResponse } from "node:http";
import { sendOpenAIError } from "./openai-error";

export function handleV1(req: IncomingMessage, res: ServerResponse): void {
  sendOpenAIError(res, 404, `Unknown route ${req.method} ${req.url}`, "invalid_request_error", "not_found");
}
