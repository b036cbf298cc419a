import "server-only";
import crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { hasPermission, type Principal } from "../auth/permissions";
import { CLUSTER_HEADER, decideVia } from "../cluster/via";
import { ANTHROPIC_ROUTES, UPSTREAM_ROUTE, planMessages } from "./anthropic/messages";
import { sendAnthropicError } from "./anthropic/errors";
import { authenticateV1 } from "./auth";
import { BodyTimeout, BodyTooLarge, MAX_BODY_BYTES, collectBody } from "./body";
import type { DataPlane } from "./data-plane";
import { INTERNAL_ERROR, v1Error, type ProxyError } from "./errors";
import { Exchange, logProxyFailure, type ExchangeInput } from "./exchange";
import { errorEvent } from "./relay";
import { estimatePromptTokens, requestedMaxTokens } from "./token-estimate";
import { scanClientHeaders, type ClientHeaders } from "./headers";
import { sendOpenAIError } from "./openai-error";
import { finishRecord, type RequestRecord } from "./record";
import { requestResumable } from "./resume";

const INFERENCE_ROUTES = new Set(["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses"]);
const USAGE_ROUTES = new Set(["/v1/chat/completions", "/v1/completions"]);
const REQUEST_ID = /^[\w.:-]{1,128}$/;
const REQUEST = Symbol("v1 request");
/** How much of an unknown model's name the request log keeps (a known one is the registry's own id). */
const MAX_LOGGED_MODEL = 256;

/** The response closed: finished, or the client went away (one function for every response, no closure each). */
function closed(this: ServerResponse & { [REQUEST]?: V1Request }) {
  const request = this[REQUEST]!;
  request.plane.inflight--;
  if (!this.writableFinished) request.clientGone();
}

/**
 * One /v1 request, from its headers to its request-log row. Callbacks rather than promises on the common path
 * (a key already in memory, a routing table loaded): every request takes it.
 */
class V1Request {
  readonly rec: RequestRecord;
  readonly headers: ClientHeaders;
  /** an Anthropic Messages route: errors in Anthropic's shape, the body translated to a chat completion */
  readonly anthropic: boolean;
  private exchange: Exchange | null = null;
  private finished = false;
  /** X-LLMLB-Via for the upstream */
  private via = "";

  constructor(
    readonly plane: DataPlane,
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
      tried: [],
      resumedBy: null,
      status: 0,
      ttftMs: null,
      usage: null,
      stream: false,
      retries: 0,
      errorCode: null,
    };
    this.anthropic = ANTHROPIC_ROUTES.has(this.rec.route);
    plane.inflight++;
    (res as ServerResponse & { [REQUEST]?: V1Request })[REQUEST] = this;
    res.on("close", closed); // emitted once: no once() wrapper a request
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
    const inference = INFERENCE_ROUTES.has(rec.route) || this.anthropic;
    if (!(isModels && req.method === "GET") && !(inference && req.method === "POST")) {
      return this.fail(v1Error("not_found", { method: req.method, route: rec.route }));
    }
    // before anything else: a request that came back (its own probe included) must not be served or routed again
    const via = decideVia(this.headers.via, this.plane.cluster);
    if (!via.ok)
      return this.fail({
        ...v1Error("loop_detected", { hops: via.hops }),
        headers: { [CLUSTER_HEADER]: this.plane.cluster },
      });
    this.via = via.outgoing;
    const principal = authenticateV1(this.plane, req, this.headers);
    if (principal instanceof Promise)
      principal.then((p) => this.authenticated(p, isModels)).catch((err: unknown) => this.crash(err));
    else this.authenticated(principal, isModels);
  }

  private authenticated(principal: Principal | null, isModels: boolean): void {
    const { rec, plane } = this;
    rec.principal = principal;
    if (!principal) return this.fail(v1Error("invalid_api_key"));
    const permission = isModels ? "openai.models.read" : "openai.inference";
    if (!hasPermission(principal, permission) && !(isModels && hasPermission(principal, "openai.inference"))) {
      return this.fail(v1Error("forbidden", { permission }));
    }
    if (principal.kind === "api_key") plane.keyUsage.note(principal.id);
    if (!plane.table.loaded) {
      plane.table
        .reload()
        .then(() => this.routable(isModels))
        .catch((err: unknown) => this.crash(err));
      return;
    }
    this.routable(isModels);
  }

  private routable(isModels: boolean): void {
    if (!isModels)
      return collectBody(this.req, MAX_BODY_BYTES, this.plane.config.bodyTimeoutMs, (err, raw) =>
        this.bodyRead(err, raw),
      );
    let id: string;
    try {
      id = decodeURIComponent(this.rec.route.slice("/v1/models/".length));
    } catch {
      return this.fail(v1Error("invalid_model_id"));
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
    if (err instanceof BodyTooLarge) return this.fail(v1Error("payload_too_large"));
    if (err instanceof BodyTimeout) {
      // the rest of a body that never came cannot be told from the next request: the connection is closed
      return this.fail({
        ...v1Error("request_timeout", { reason: String(this.plane.config.bodyTimeoutMs / 1000) }),
        headers: { connection: "close" },
      });
    }
    if (err || !raw) return this.crash(err);
    const { rec } = this;
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw.toString("utf8"));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      body = parsed as Record<string, unknown>;
    } catch {
      return this.fail(v1Error("invalid_json"));
    }
    if (typeof body.model !== "string" || !body.model) return this.fail(v1Error("missing_model"));
    rec.stream = body.stream === true;
    const entry = this.plane.table.lookup(body.model);
    if (!entry) {
      // logged, cut short, as the client sent it; counted in /metrics under one label (a client invents names freely)
      rec.model = body.model.length > MAX_LOGGED_MODEL ? body.model.slice(0, MAX_LOGGED_MODEL) : body.model;
      return this.fail(v1Error("model_not_found", { model: rec.model }));
    }
    rec.model = body.model;
    rec.modelKnown = true;
    if (this.anthropic) return this.proxyMessages(body, entry.endpoints);

    const streamOptions =
      typeof body.stream_options === "object" && body.stream_options !== null
        ? (body.stream_options as Record<string, unknown>)
        : null;
    const inject = rec.stream && USAGE_ROUTES.has(rec.route) && streamOptions?.include_usage !== true;
    const payload = inject ? withUsageOption(raw, body, streamOptions) : raw;
    if (!payload) return this.fail(v1Error("invalid_json", { reason: "The body is nested too deeply." }));
    const resumable = this.plane.config.streamResume && requestResumable(rec.route, body);
    this.forward(
      {
        payload,
        dropUsageChunk: inject,
        upstreamRoute: rec.route,
        payloadFor: null,
        translation: null,
        resumable,
        tokens: tokensOf(body),
      },
      entry.endpoints,
    );
  }

  /** An Anthropic Messages request: count_tokens answered here, a message forwarded as a chat completion. */
  private proxyMessages(body: Record<string, unknown>, endpoints: readonly string[]): void {
    const plan = planMessages(this.rec.route, body);
    if (plan.kind === "invalid") return this.fail(v1Error("invalid_request", { reason: plan.reason }));
    if (plan.kind === "answer") return this.answer(plan.body);
    const { payload, payloadFor, translation } = plan;
    // never resumed: the Anthropic stream ends with its error event (README)
    this.forward(
      {
        payload,
        payloadFor,
        translation,
        dropUsageChunk: false,
        upstreamRoute: UPSTREAM_ROUTE,
        resumable: false,
        tokens: tokensOf(body),
      },
      endpoints,
    );
  }

  private forward(
    upstream: Pick<
      ExchangeInput,
      "payload" | "dropUsageChunk" | "upstreamRoute" | "payloadFor" | "translation" | "resumable" | "tokens"
    >,
    endpoints: readonly string[],
  ): void {
    // every field named in one literal: a spread followed by more fields builds the object by transitions (slow to
    // make, and the exchange reads it on every step)
    const input: ExchangeInput = {
      payload: upstream.payload,
      dropUsageChunk: upstream.dropUsageChunk,
      upstreamRoute: upstream.upstreamRoute,
      payloadFor: upstream.payloadFor,
      translation: upstream.translation,
      resumable: upstream.resumable,
      tokens: upstream.tokens,
      res: this.res,
      rec: this.rec,
      forward: this.headers.forward,
      pinned: this.headers.pin,
      via: this.via,
    };
    this.exchange = new Exchange(this.plane, input, endpoints, (error) => (error ? this.fail(error) : this.finish()));
    this.exchange.start();
  }

  private serveModels(id: string): void {
    const routing = this.plane.table;
    let body: string;
    if (!id) body = routing.modelsJson;
    else {
      const entry = routing.lookup(id);
      const online = entry?.endpoints.some((e) => routing.isRoutable(routing.endpoints.get(e)));
      if (!entry || !online)
        return this.fail(
          v1Error("model_not_found", { model: id.length > MAX_LOGGED_MODEL ? id.slice(0, MAX_LOGGED_MODEL) : id }),
        );
      body = JSON.stringify({
        id: entry.id,
        object: "model",
        created: Math.floor(Date.now() / 1000),
        owned_by: "llmlb",
      });
    }
    this.answer(body);
  }

  /** Answers 200 with a JSON body made here and finishes. */
  private answer(body: string): void {
    this.rec.status = 200;
    this.res.writeHead(200, [
      "x-request-id",
      this.rec.requestId,
      "content-type",
      "application/json",
      "content-length",
      String(Buffer.byteLength(body)),
    ]);
    this.res.end(body);
    this.finish();
  }

  /** Answers with the route's error shape, OpenAI's or Anthropic's (when nothing was sent yet), and finishes. */
  private fail(e: ProxyError): void {
    const { rec } = this;
    rec.status = e.status;
    rec.errorCode = e.code;
    if (this.res.headersSent) {
      // keep-alives committed a stream before any endpoint answered: the error is the stream's error event
      this.res.end(errorEvent(this.exchange?.input.translation ?? null, e));
    } else if (this.anthropic) {
      sendAnthropicError(this.res, e, { "x-request-id": rec.requestId });
      rec.status = this.res.statusCode;
    } else
      sendOpenAIError(this.res, e.status, e.message, e.type, e.code, e.param ?? null, {
        ...e.headers,
        "x-request-id": rec.requestId,
      });
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
    finishRecord(this.plane, this.rec);
  }
}

/** Serves one /v1 request from the plane's state. */
export function handleV1(plane: DataPlane, req: IncomingMessage, res: ServerResponse): void {
  new V1Request(plane, req, res).start();
}

/**
 * What context fit checks: the prompt's estimated tokens (computed on first read, and only read when an endpoint's
 * context is known: the estimate walks every message and the tools' JSON) and the completion budget it asks for.
 */
function tokensOf(body: Record<string, unknown>) {
  return new RequestTokens(body);
}

/** A class, not an object literal with a getter: a literal's accessor is defined at run time on every request. */
class RequestTokens {
  private prompt = -1;
  readonly maxTokens: number;

  constructor(private readonly body: Record<string, unknown>) {
    this.maxTokens = requestedMaxTokens(body);
  }

  get promptTokens(): number {
    if (this.prompt < 0) this.prompt = estimatePromptTokens(this.body);
    return this.prompt;
  }
}

const USAGE_OPTION = Buffer.from('"stream_options":{"include_usage":true},');

/**
 * The body with `stream_options.include_usage` set, so usage can be counted. Without stream_options the option
 * is spliced in after the opening brace (no re-serialisation of a large body); otherwise the object is
 * re-serialised. Null when it cannot be (nested too deeply for JSON.stringify).
 */
function withUsageOption(
  raw: Buffer,
  body: Record<string, unknown>,
  streamOptions: Record<string, unknown> | null,
): Buffer | null {
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
