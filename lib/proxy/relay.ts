import type { ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import { clientResponseHeaders } from "./headers";
import { SseRelay } from "./sse";
import { collect } from "./forward";
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

/** Writes the chosen upstream's answer to the client: SSE streamed through event by event, anything else whole. */
export async function relayResponse(res: ServerResponse, data: Dispatcher.ResponseData, ep: RouteEndpoint, opts: { started: number; dropUsageChunk: boolean }): Promise<RelayOutcome> {
  const contentType = String(data.headers["content-type"] ?? "");
  const headers = baseHeaders(data, ep);
  if (!contentType.includes("text/event-stream")) {
    let body: Buffer;
    try {
      body = await collect(data.body);
    } catch {
      if (!res.headersSent) {
        res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "upstream failed while sending its answer", type: "server_error", param: null, code: "upstream_error" } }));
      }
      return { status: 502, ttftMs: null, usage: null, generatedChars: 0, brokenStream: true, clientGone: res.destroyed };
    }
    let usage: Usage | null = null;
    let chars = 0;
    if (data.statusCode < 300 && contentType.includes("json")) {
      try {
        const json: unknown = JSON.parse(body.toString("utf8"));
        usage = readUsage(json);
        if (!usage) chars = generatedChars(json);
      } catch {
        /* not JSON after all: pass it on untouched */
      }
    }
    headers["content-length"] = body.length;
    res.writeHead(data.statusCode, headers);
    res.end(body);
    return { status: data.statusCode, ttftMs: performance.now() - opts.started, usage, generatedChars: chars, brokenStream: false, clientGone: false };
  }

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
