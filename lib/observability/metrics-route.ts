import type { IncomingMessage, ServerResponse } from "node:http";
import { sendOpenAIError } from "../proxy/openai-error";

export async function handleMetrics(_req: IncomingMessage, res: ServerResponse): Promise<void> {
  sendOpenAIError(res, 404, "metrics not available yet", "invalid_request_error", "not_found");
}
