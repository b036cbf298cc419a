import "server-only";
import crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { env } from "../env";
import { getDb } from "../runtime";
import { hasPermission } from "../auth/permissions";
import { log } from "../observability/logger";
import { authenticateV1 } from "./auth";
import { BodyTooLarge, readBody } from "./body";
import { inflightRequests } from "./inflight";
import { ClientSignal } from "./client-signal";
import { sendOpenAIError, type OpenAIErrorType } from "./openai-error";
import { routingTable } from "./routing-table";
import { proxyInference, type InferenceRequest } from "./inference";
import { finishRecord, type RequestRecord } from "./record";

const INFERENCE_ROUTES = new Set(["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses"]);
const USAGE_ROUTES = new Set(["/v1/chat/completions", "/v1/completions"]);
const table = () => routingTable(getDb);

export function handleV1(req: IncomingMessage, res: ServerResponse): void {
  const rec: RequestRecord = {
    started: performance.now(),
    ts: Date.now(),
    requestId: validRequestId(req.headers["x-request-id"]) ?? crypto.randomUUID(),
    route: (req.url ?? "/").split("?")[0],
    clientIp: req.socket.remoteAddress ?? null,
    principal: null,
    model: null,
    endpoint: null,
    status: 0,
    ttftMs: null,
    usage: null,
    stream: false,
    retries: 0,
    errorCode: null,
  };
  res.setHeader("x-request-id", rec.requestId);
  const open = inflightRequests();
  const signal = new ClientSignal();
  open.add(res);
  res.once("close", () => {
    open.delete(res);
    if (!res.writableFinished) signal.abort(); // the client went away: cancel the upstream request
  });
  serve(req, res, rec, signal)
    .catch((err) => {
      log.error("proxy failure", { requestId: rec.requestId, error: err instanceof Error ? err.message : String(err) });
      fail(res, rec, 500, "internal error", "server_error", "internal_error");
    })
    .finally(() => finishRecord(rec));
}

function validRequestId(v: string | string[] | undefined): string | null {
  return typeof v === "string" && /^[\w.:-]{1,128}$/.test(v) ? v : null;
}

function fail(res: ServerResponse, rec: RequestRecord, status: number, message: string, type: OpenAIErrorType, code: string, param: string | null = null, headers: Record<string, string> = {}) {
  rec.status = status;
  rec.errorCode = code;
  sendOpenAIError(res, status, message, type, code, param, headers);
}

async function serve(req: IncomingMessage, res: ServerResponse, rec: RequestRecord, signal: ClientSignal): Promise<void> {
  const isModels = rec.route === "/v1/models" || rec.route.startsWith("/v1/models/");
  if (!(isModels && req.method === "GET") && !(INFERENCE_ROUTES.has(rec.route) && req.method === "POST")) {
    return fail(res, rec, 404, `Unknown route ${req.method} ${rec.route}`, "invalid_request_error", "not_found");
  }
  rec.principal = await authenticateV1(req);
  if (!rec.principal) return fail(res, rec, 401, "Missing, invalid, expired or revoked API key.", "authentication_error", "invalid_api_key");
  const permission = isModels ? "openai.models.read" : "openai.inference";
  if (!hasPermission(rec.principal, permission) && !(isModels && hasPermission(rec.principal, "openai.inference"))) {
    return fail(res, rec, 403, `missing permission: ${permission}`, "permission_error", "forbidden");
  }
  const routing = table();
  if (!routing.loaded) await routing.reload();
  if (isModels) {
    let id: string;
    try {
      id = decodeURIComponent(rec.route.slice("/v1/models/".length));
    } catch {
      return fail(res, rec, 400, "The model id in the path is not valid percent-encoding.", "invalid_request_error", "invalid_model_id", "model");
    }
    return serveModels(res, rec, id);
  }

  let raw: Buffer;
  try {
    raw = await readBody(req);
  } catch (err) {
    if (err instanceof BodyTooLarge) {
      return fail(res, rec, 413, "Request body larger than 20 MiB.", "invalid_request_error", "payload_too_large");
    }
    throw err;
  }
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw.toString("utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
    body = parsed as Record<string, unknown>;
  } catch {
    return fail(res, rec, 400, "The body must be a JSON object.", "invalid_request_error", "invalid_json");
  }
  if (typeof body.model !== "string" || !body.model) return fail(res, rec, 400, "`model` is required and must be a string.", "invalid_request_error", "missing_model", "model");
  rec.model = body.model;
  rec.stream = body.stream === true;

  const streamOptions = typeof body.stream_options === "object" && body.stream_options !== null ? (body.stream_options as Record<string, unknown>) : null;
  const inject = rec.stream && USAGE_ROUTES.has(rec.route) && streamOptions?.include_usage !== true;
  const payload = inject ? withUsageOption(raw, body, streamOptions) : raw;
  if (!payload) return fail(res, rec, 400, "The body is nested too deeply.", "invalid_request_error", "invalid_json");
  const pin = req.headers["x-llmlb-endpoint"];
  const request: InferenceRequest = { req, res, rec, payload, dropUsageChunk: inject, pinned: typeof pin === "string" ? pin : null, signal };
  const outcome = await proxyInference(routing, request, env().LLMLB_MAX_RETRIES);
  if (outcome.kind === "error") return fail(res, rec, outcome.status, outcome.message, outcome.type, outcome.code, outcome.param ?? null, outcome.headers);
}

const USAGE_OPTION = Buffer.from('"stream_options":{"include_usage":true},');

/**
 * The body with `stream_options.include_usage` set, so usage can be counted. Without stream_options the option
 * is spliced in after the opening brace (no re-serialisation of a large body); otherwise the object is
 * re-serialised. Null when it cannot be (nested too deeply for JSON.stringify).
 */
function withUsageOption(raw: Buffer, body: Record<string, unknown>, streamOptions: Record<string, unknown> | null): Buffer | null {
  if (!("stream_options" in body)) {
    const brace = raw.indexOf(0x7b); // the body parsed as an object, so it opens with "{" after optional white space
    return Buffer.concat([raw.subarray(0, brace + 1), USAGE_OPTION, raw.subarray(brace + 1)]);
  }
  try {
    return Buffer.from(JSON.stringify({ ...body, stream_options: { ...streamOptions, include_usage: true } }));
  } catch {
    return null;
  }
}

function serveModels(res: ServerResponse, rec: RequestRecord, id: string) {
  const routing = table();
  let body: string;
  if (!id) body = routing.modelsJson;
  else {
    const entry = routing.lookup(id);
    const online = entry?.endpoints.some((e) => routing.isRoutable(routing.endpoints.get(e)));
    if (!entry || !online) return fail(res, rec, 404, `The model '${id}' does not exist.`, "invalid_request_error", "model_not_found", "model");
    body = JSON.stringify({ id: entry.id, object: "model", created: Math.floor(Date.now() / 1000), owned_by: "llmlb" });
  }
  rec.status = 200;
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}
