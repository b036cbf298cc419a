import type { ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import { clientResponseHeaders } from "./headers";
import { SseRelay } from "./sse";
import { generatedChars, readUsage, type Usage } from "./usage";
import type { RouteEndpoint } from "./routing-table";

export interface RelayOutcome {
  status: number;
  ttftMs: number | null;
  usage: Usage | null;
  generatedChars: number;
  /** the upstream died or stalled mid-stream */
  brokenStream: boolean;
  clientGone: boolean;
}

const ERROR_EVENT = (message: string) =>
  `data: ${JSON.stringify({ error: { message, type: "server_error", param: null, code: "upstream_stream_error" } })}\n\n`;

function waitDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

function baseHeaders(data: Dispatcher.ResponseData, ep: RouteEndpoint) {
  const headers = clientResponseHeaders(data.headers);
  headers["x-llmlb-endpoint-id"] = ep.id;
  headers["x-llmlb-endpoint-name"] = encodeURIComponent(ep.name);
  return headers;
}

const isJsonType = (contentType: string) => contentType.includes("json");

/** What a whole (non-streamed) upstream answer says: its usage, or whether it is no answer at all. */
export function inspectBuffered(statusCode: number, contentType: string, body: Buffer): { valid: boolean; usage: Usage | null; generatedChars: number } {
  if (statusCode >= 300) return { valid: true, usage: null, generatedChars: 0 };
  if (!isJsonType(contentType)) return { valid: false, usage: null, generatedChars: 0 };
  try {
    const json: unknown = JSON.parse(body.toString("utf8"));
    const usage = readUsage(json);
    return { valid: typeof json === "object" && json !== null, usage, generatedChars: usage ? 0 : generatedChars(json) };
  } catch {
    return { valid: false, usage: null, generatedChars: 0 };
  }
}

/** Writes a whole upstream answer to the client. */
export function relayBuffered(res: ServerResponse, data: Dispatcher.ResponseData, ep: RouteEndpoint, body: Buffer): void {
  const headers = baseHeaders(data, ep);
  headers["content-length"] = body.length;
  res.writeHead(data.statusCode, headers);
  res.end(body);
}

export const isEventStream = (data: Dispatcher.ResponseData) => String(data.headers["content-type"] ?? "").includes("text/event-stream");

/** Streams an SSE answer through event by event, honouring backpressure; a mid-stream failure ends with an error event. */
export async function relayStream(res: ServerResponse, data: Dispatcher.ResponseData, ep: RouteEndpoint, opts: { started: number; dropUsageChunk: boolean }): Promise<RelayOutcome> {
  const headers = baseHeaders(data, ep);
  delete headers["content-length"];
  headers["cache-control"] = "no-cache";
  headers["x-accel-buffering"] = "no";
  res.writeHead(data.statusCode, headers);
  res.flushHeaders();
  const sse = new SseRelay(opts.dropUsageChunk);
  let ttftMs: number | null = null;
  let broken = false;
  try {
    for await (const chunk of data.body) {
      const out = sse.push(chunk as Buffer);
      if (!out) continue;
      ttftMs ??= performance.now() - opts.started;
      if (!res.write(out)) await waitDrain(res);
      if (res.destroyed) break;
    }
  } catch {
    broken = !res.destroyed;
  }
  const clientGone = res.destroyed;
  if (!clientGone) {
    const rest = sse.flush();
    if (rest) res.write(rest);
    if (broken) res.write(ERROR_EVENT("the upstream endpoint failed mid-stream"));
    res.end();
  } else data.body.destroy();
  return { status: data.statusCode, ttftMs, usage: sse.usage, generatedChars: sse.generatedChars, brokenStream: broken, clientGone };
}
