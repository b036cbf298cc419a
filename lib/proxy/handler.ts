import "server-only";
import crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { env } from "../env";
import { getDb } from "../runtime";
import { hasPermission, type Principal } from "../auth/permissions";
import { authenticateV1 } from "./auth";
import { BodyTooLarge, MAX_BODY_BYTES, readBody } from "./body";
import { inflight } from "./inflight";
import { sendOpenAIError, type OpenAIErrorType } from "./openai-error";
import { routingTable } from "./routing-table";
import { Exchange, INTERNAL_ERROR, logProxyFailure, type ProxyError } from "./exchange";
import { finishRecord, type RequestRecord } from "./record";
import { scanClientHeaders, type ClientHeaders } from "./headers";
import { CLUSTER_HEADER, clusterId, decideVia } from "../cluster/via";

const INFERENCE_ROUTES = new Set(["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses"]);
const USAGE_ROUTES = new Set(["/v1/chat/completions", "/v1/completions"]);
const table = () => routingTable(getDb);
const REQUEST_ID = /^[\w.:-]{1,128}$/;
const REQUEST = Symbol("v1 request");
/** How much of an unknown model's name the request log keeps (a known one is the registry's own id). */
const MAX_LOGGED_MODEL = 256;
let ownCluster: string | null = null;
const cluster = () => (ownCluster ??= clusterId(env().LLMLB_SECRET));

/** The response closed: finished, or the client went away (one function for every response, no closure each). */
function closed(this: ServerResponse & { [REQUEST]?: V1Request }) {
  inflight.count--;
  if (!this.writableFinished) this[REQUEST]!.clientGone();
}

/**
 * One /v1 request, from its headers to its request-log row. Callbacks rather than promises on the common path
 * (a key already in memory, a routing table loaded): every request takes it.
 */
class V1Request {
  readonly rec: RequestRecord;
  readonly headers: ClientHeaders;
  private exchange: Exchange | null = null;
  /** X-LLMLB-Via for the upstream */
  private via = "";
  private finished = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    this.headers = scanClientHeaders(req.rawHeaders);
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const id = this.headers.requestId;
    this.rec = {
      started: performance.now(),
      ts: Date.now(),
      requestId: id !== null && REQUEST_ID.test(id) ? id : crypto.randomUUID(),
      route: q === -1 ? url : url.slice(0, q),
      clientIp: req.socket.remoteAddress ?? null,
      principal: null,
      model: null,
      modelKnown: false,
      endpoint: null,
      status: 0,
      ttftMs: null,
      usage: null,
      stream: false,
      retries: 0,
      errorCode: null,
    };
    inflight.count++;
    (res as ServerResponse & { [REQUEST]?: V1Request })[REQUEST] = this;
    res.once("close", closed);
  }

  /**
   * The client went away: cancel the upstream request (the exchange then finishes), or finish now when the
   * request never reached an upstream (the client left while sending its body).
   */
  clientGone(): void {
    if (this.exchange && !this.exchange.finished) this.exchange.clientClosed();
    else this.finish();
  }

  /** Every entry from a callback goes through here: a bug answers 500 rather than taking the process down. */
  start(): void {
    try {
      this.route();
    } catch (err) {
      this.crash(err);
    }
  }

  private route(): void {
    const { rec, req } = this;
    const isModels = rec.route === "/v1/models" || rec.route.startsWith("/v1/models/");
    if (!(isModels && req.method === "GET") && !(INFERENCE_ROUTES.has(rec.route) && req.method === "POST")) {
      return this.fail({ status: 404, message: `Unknown route ${req.method} ${rec.route}`, type: "invalid_request_error", code: "not_found" });
    }
    // before anything else: a request that came back (its own probe included) must not be served or routed again
    const via = decideVia(this.headers.via, cluster());
    if (!via.ok) {
      return this.fail({ status: 508, message: `The request already passed through this load balancer (${via.hops} hops): an endpoint points back at it.`, type: "invalid_request_error", code: "loop_detected", headers: { [CLUSTER_HEADER]: cluster() } });
    }
    this.via = via.outgoing;
    const principal = authenticateV1(req, this.headers);
    if (principal instanceof Promise) principal.then((p) => this.authenticated(p, isModels)).catch((err: unknown) => this.crash(err));
    else this.authenticated(principal, isModels);
  }

  private authenticated(principal: Principal | null, isModels: boolean): void {
    const { rec } = this;
    rec.principal = principal;
    if (!principal) return this.fail({ status: 401, message: "Missing, invalid, expired or revoked API key.", type: "authentication_error", code: "invalid_api_key" });
    const permission = isModels ? "openai.models.read" : "openai.inference";
    if (!hasPermission(principal, permission) && !(isModels && hasPermission(principal, "openai.inference"))) {
      return this.fail({ status: 403, message: `missing permission: ${permission}`, type: "permission_error", code: "forbidden" });
    }
    const routing = table();
    if (!routing.loaded) {
      routing.reload().then(() => this.routable(isModels)).catch((err: unknown) => this.crash(err));
      return;
    }
    this.routable(isModels);
  }

  private routable(isModels: boolean): void {
    if (!isModels) return readBody(this.req, MAX_BODY_BYTES, (err, raw) => this.bodyRead(err, raw));
    let id: string;
    try {
      id = decodeURIComponent(this.rec.route.slice("/v1/models/".length));
    } catch {
      return this.fail({ status: 400, message: "The model id in the path is not valid percent-encoding.", type: "invalid_request_error", code: "invalid_model_id", param: "model" });
    }
    this.serveModels(id);
  }

  private bodyRead(err: Error | null, raw: Buffer | null): void {
    try {
      this.proxy(err, raw);
    } catch (e) {
      this.crash(e);
    }
  }

  private proxy(err: Error | null, raw: Buffer | null): void {
    if (err instanceof BodyTooLarge) return this.fail({ status: 413, message: "Request body larger than 20 MiB.", type: "invalid_request_error", code: "payload_too_large" });
    if (err || !raw) return this.crash(err);
    const { rec } = this;
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw.toString("utf8"));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      body = parsed as Record<string, unknown>;
    } catch {
      return this.fail({ status: 400, message: "The body must be a JSON object.", type: "invalid_request_error", code: "invalid_json" });
    }
    if (typeof body.model !== "string" || !body.model) return this.fail({ status: 400, message: "`model` is required and must be a string.", type: "invalid_request_error", code: "missing_model", param: "model" });
    rec.stream = body.stream === true;
    const routing = table();
    const entry = routing.lookup(body.model);
    if (!entry) {
      // logged, cut short, as the client sent it; counted in /metrics under one label (a client invents names freely)
      rec.model = body.model.length > MAX_LOGGED_MODEL ? body.model.slice(0, MAX_LOGGED_MODEL) : body.model;
      return this.fail({ status: 404, message: `The model '${rec.model}' does not exist.`, type: "invalid_request_error", code: "model_not_found", param: "model" });
    }
    rec.model = body.model;
    rec.modelKnown = true;

    const streamOptions = typeof body.stream_options === "object" && body.stream_options !== null ? (body.stream_options as Record<string, unknown>) : null;
    const inject = rec.stream && USAGE_ROUTES.has(rec.route) && streamOptions?.include_usage !== true;
    const payload = inject ? withUsageOption(raw, body, streamOptions) : raw;
    if (!payload) return this.fail({ status: 400, message: "The body is nested too deeply.", type: "invalid_request_error", code: "invalid_json" });
    const input = { res: this.res, rec, payload, forward: this.headers.forward, dropUsageChunk: inject, pinned: this.headers.pin, via: this.via };
    this.exchange = new Exchange(routing, input, entry.endpoints, env().LLMLB_MAX_RETRIES, (error) => (error ? this.fail(error) : this.finish()));
    this.exchange.start();
  }

  private serveModels(id: string): void {
    const { rec, res } = this;
    const routing = table();
    let body: string;
    if (!id) body = routing.modelsJson;
    else {
      const entry = routing.lookup(id);
      const online = entry?.endpoints.some((e) => routing.isRoutable(routing.endpoints.get(e)));
      if (!entry || !online) return this.fail({ status: 404, message: `The model '${id}' does not exist.`, type: "invalid_request_error", code: "model_not_found", param: "model" });
      body = JSON.stringify({ id: entry.id, object: "model", created: Math.floor(Date.now() / 1000), owned_by: "llmlb" });
    }
    rec.status = 200;
    res.writeHead(200, ["x-request-id", rec.requestId, "content-type", "application/json", "content-length", String(Buffer.byteLength(body))]);
    res.end(body);
    this.finish();
  }

  /** Answers with the one /v1 error shape (when nothing was sent yet) and finishes. */
  private fail(e: ProxyError): void {
    const { rec } = this;
    rec.status = e.status;
    rec.errorCode = e.code;
    sendOpenAIError(this.res, e.status, e.message, e.type, e.code, e.param ?? null, { ...e.headers, "x-request-id": rec.requestId });
    this.finish();
  }

  private crash(err: unknown): void {
    logProxyFailure(this.rec.requestId, err);
    this.fail(INTERNAL_ERROR);
  }

  /** The request-log row and metrics, once. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    finishRecord(this.rec);
  }
}

export function handleV1(req: IncomingMessage, res: ServerResponse): void {
  new V1Request(req, res).start();
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
