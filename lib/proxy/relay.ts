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
  /** completion tokens guessed from the answer, used only when it reports no usage */
  estimatedTokens: number;
  /** the upstream died or stalled mid-stream */
  brokenStream: boolean;
  clientGone: boolean;
}

const ERROR_EVENT = (message: string) =>
  `data: ${JSON.stringify({ error: { message, type: "server_error", param: null, code: "upstream_stream_error" } })}\n\n`;

const uncork = (res: ServerResponse) => res.uncork(); // end() uncorks fully; an uncork after it does nothing

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

const OPEN = 0x7b;
const CLOSE = 0x7d;
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** The `"usage":{…}` object of a JSON body, found from the end and parsed alone (the body is not parsed whole). */
function usageObject(body: Buffer): unknown {
  const key = body.lastIndexOf('"usage"');
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

/**
 * What a whole (non-streamed) upstream answer says: whether it is an answer at all (a 2xx must be a JSON
 * object), and its usage. On the common path only the usage object is parsed; the whole body is parsed only
 * when there is no usage to read, to estimate tokens from the generated text.
 */
export function inspectBuffered(statusCode: number, contentType: string, body: Buffer): { valid: boolean; usage: Usage | null; generatedChars: number } {
  if (statusCode >= 300) return { valid: true, usage: null, generatedChars: 0 };
  let a = 0;
  let z = body.length - 1;
  while (a <= z && isSpace(body[a])) a++;
  while (z >= a && isSpace(body[z])) z--;
  if (!contentType.includes("json") || body[a] !== OPEN || body[z] !== CLOSE) return { valid: false, usage: null, generatedChars: 0 };
  const usage = readUsage({ usage: usageObject(body) });
  if (usage) return { valid: true, usage, generatedChars: 0 };
  try {
    return { valid: true, usage: null, generatedChars: generatedChars(JSON.parse(body.toString("utf8"))) };
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
  // Headers go out now only when no event is waiting yet (a model still reading its prompt); otherwise they
  // leave with the first event, in one write instead of two.
  if (data.body.readableLength === 0) res.flushHeaders();
  const sse = new SseRelay(opts.dropUsageChunk);
  let ttftMs: number | null = null;
  let broken = false;
  try {
    for await (const chunk of data.body) {
      const out = sse.push(chunk as Buffer);
      if (!out) continue;
      ttftMs ??= performance.now() - opts.started;
      // Held until the end of this turn of the event loop: events that came in one read, and the end of the
      // response when the upstream's end came with them, leave in one write.
      res.cork();
      const writable = res.write(out);
      setImmediate(uncork, res);
      if (!writable) await waitDrain(res);
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
  return { status: data.statusCode, ttftMs, usage: sse.usage, estimatedTokens: sse.events, brokenStream: broken, clientGone };
}
