// Route tables of the fake upstreams: the OpenAI-compatible API every kind serves, plus each kind's own routes.
import type { FakeFaults, FakeKind } from "./types";
import type { Engine } from "./engine";
import { type Exchange, chosenEncoding, later, sendFault, sendJson, sendStream } from "./http";
import {
  type Json,
  type Reply,
  type StreamPlan,
  OWNED_BY,
  XLLM_MODEL_INFO,
  XLLM_SYSTEM,
  chatCompletion,
  chatStream,
  completionStream,
  embeddings,
  modelList,
  modelNotFound,
  ollamaShow,
  ollamaTags,
  openAiError,
  responseObject,
  responseStream,
  textCompletion,
  toolCallCompletion,
  toolCallStream,
  xllmProgress,
} from "./wire";

/** What route handlers need from a fake. */
export interface FakeState {
  readonly kind: FakeKind;
  models: string[];
  faults: FakeFaults;
  readonly created: number;
  readonly text: string;
  readonly pieces: string[];
  readonly completionTokens: number;
  /** engine behaviour (./engine.ts), when the fake was started with `engine` */
  readonly engine: Engine | null;
  /** xLLM download tasks by id. */
  readonly tasks: Map<string, { model: string; progress: number }>;
  /** The listed model a requested name refers to (Ollama's implicit `:latest` matches both ways). */
  findModel(name: string): string | undefined;
  nextId(): string;
}

export type Handler = (x: Exchange, fake: FakeState) => void;
export type Router = (method: string, path: string) => Handler | undefined;

export const INFERENCE_PATHS: ReadonlySet<string> = new Set([
  "/v1/chat/completions",
  "/v1/completions",
  "/v1/embeddings",
  "/v1/responses",
]);
export const HEALTH_PATHS: ReadonlySet<string> = new Set([
  "/api/system",
  "/api/health",
  "/api/tags",
  "/v1/models",
  "/health",
]);

function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const json =
  (body: Json): Handler =>
  (x) =>
    sendJson(x.res, 200, body);

// ---- inference ----

type Outcome = { stream: StreamPlan } | { json: Json; status?: number };
type Build = (body: Json, reply: Reply) => Outcome;

const BAD_JSON = openAiError("We could not parse the JSON body of your request.", "invalid_request_error", null);
const NO_MODEL = openAiError("you must provide a model parameter", "invalid_request_error", null, "model");
const NO_INPUT = openAiError("'input' is a required property", "invalid_request_error", null, "input");

/** An inference route: delay, fault status, body and model checks, then the built answer. */
function inference(build: Build): Handler {
  return (x, fake) => later(x.res, fake.faults.delayMs, () => answer(x, fake, build));
}

function answer(x: Exchange, fake: FakeState, build: Build): void {
  const { faults } = fake;
  for (const [name, value] of Object.entries(faults.extraHeaders ?? {})) x.res.setHeader(name, value);
  if (faults.redirect !== null)
    return void x.res.writeHead(307, { Location: faults.redirect, "Content-Length": 0 }).end();
  if (faults.status !== null) return sendFault(x.res, faults.status);
  if (!isRecord(x.body)) return sendJson(x.res, 400, BAD_JSON);
  const model = x.body.model;
  if (typeof model !== "string" || model === "") return sendJson(x.res, 400, NO_MODEL);
  const found = fake.findModel(model);
  if (found === undefined) return sendJson(x.res, 404, modelNotFound(model));
  const rest = continuation(x.body, fake.pieces);
  if (fake.engine && !rest) {
    const asked =
      typeof x.body.max_tokens === "number" && x.body.max_tokens > 0 ? x.body.max_tokens : fake.completionTokens;
    const streaming = x.body.stream === true;
    return fake.engine.serve(x, found, (tokenMs) =>
      streaming
        ? send(x, fake, build, model, asked, (tokenMs * asked) / fake.pieces.length, null)
        : later(x.res, tokenMs * asked, () => send(x, fake, build, model, asked, 0, null)),
    );
  }
  send(x, fake, build, model, rest ? rest.length : fake.completionTokens, faults.chunkDelayMs, rest);
}

/** Sends the built answer; `rest`: the pieces of a continuation (never cut: it is the resume under test). */
function send(
  x: Exchange,
  fake: FakeState,
  build: Build,
  model: string,
  completionTokens: number,
  chunkDelayMs: number,
  rest: string[] | null,
): void {
  const { faults } = fake;
  const out = build(x.body as Json, { ...reply(x, fake, model, rest), completionTokens });
  const encoding = chosenEncoding(x.req, faults);
  if ("stream" in out)
    return sendStream(x, out.stream, chunkDelayMs, rest ? null : faults.dieAfterChunks, encoding, faults.stampChunks);
  const json = faults.answerBytes === null ? out.json : padded(out.json, faults.answerBytes);
  sendJson(x.res, out.status ?? 200, json, faults.slowBytesMs, undefined, encoding);
}

/** The answer with a `padding` field of spaces making it about `bytes` long (its usage still at the end). */
function padded(json: Json, bytes: number): Json {
  const { usage, ...rest } = json;
  return {
    ...rest,
    padding: " ".repeat(Math.max(0, bytes - JSON.stringify(json).length)),
    ...(usage === undefined ? {} : { usage }),
  };
}

/**
 * A chat request whose last message is the assistant's start of this fake's reply (what a resume sends: vLLM's
 * `continue_final_message`, llama.cpp and Ollama continue a final assistant message): the pieces that follow it,
 * deterministically. Null for any other request.
 */
export function continuation(body: Json, pieces: readonly string[]): string[] | null {
  const last: unknown = Array.isArray(body.messages) ? body.messages.at(-1) : undefined;
  if (!isRecord(last) || last.role !== "assistant" || typeof last.content !== "string" || !last.content) return null;
  if (body.continue_final_message === false || body.add_generation_prompt === true) return null;
  const text = pieces.join("");
  if (!text.startsWith(last.content)) return null;
  let at = 0;
  const rest: string[] = [];
  for (const p of pieces) {
    const end = at + p.length;
    if (end > last.content.length) rest.push(at >= last.content.length ? p : p.slice(last.content.length - at));
    at = end;
  }
  return rest.length ? rest : null;
}

/** The reply; a continuation's has the rest of the text and counts one completion token per piece. */
function reply(x: Exchange, fake: FakeState, model: string, rest: string[] | null = null): Reply {
  return {
    id: fake.nextId(),
    created: Math.floor(Date.now() / 1000),
    model,
    text: rest ? rest.join("") : fake.text,
    pieces: rest ?? fake.pieces,
    promptTokens: Math.max(1, Math.ceil(x.size / 4)),
    completionTokens: rest ? rest.length : fake.completionTokens,
    withUsage: !fake.faults.omitUsage,
  };
}

function includeUsage(body: Json): boolean {
  return isRecord(body.stream_options) && body.stream_options.include_usage === true;
}

const streamable = (whole: (r: Reply) => Json, stream: (r: Reply, usage: boolean) => StreamPlan): Handler =>
  inference((body, r) => (body.stream === true ? { stream: stream(r, includeUsage(body)) } : { json: whole(r) }));

function inputsOf(input: unknown): string[] {
  if (typeof input === "string") return [input];
  if (!Array.isArray(input)) return [];
  return input.map((item: unknown) => (typeof item === "string" ? item : JSON.stringify(item)));
}

/**
 * The tool a chat request gets called, deterministically: the one `tool_choice` names, else the first of `tools`;
 * none when there are no tools, `tool_choice` is "none", or the last message is a tool's result (then the model
 * answers in text, closing the round trip).
 */
function toolToCall(body: Json): string | null {
  if (!Array.isArray(body.tools) || body.tools.length === 0 || body.tool_choice === "none") return null;
  const last: unknown = Array.isArray(body.messages) ? body.messages.at(-1) : undefined;
  if (isRecord(last) && last.role === "tool") return null;
  const named =
    isRecord(body.tool_choice) && isRecord(body.tool_choice.function) ? body.tool_choice.function.name : undefined;
  const first: unknown = body.tools[0];
  const name = named ?? (isRecord(first) && isRecord(first.function) ? first.function.name : undefined);
  return typeof name === "string" ? name : null;
}

/** Chat completions: a tool call when the request offers tools (see toolToCall), else the reply text. */
const chatRoute = inference((body, r) => {
  const tool = toolToCall(body);
  if (tool === null)
    return body.stream === true ? { stream: chatStream(r, includeUsage(body)) } : { json: chatCompletion(r) };
  return body.stream === true
    ? { stream: toolCallStream(r, tool, includeUsage(body)) }
    : { json: toolCallCompletion(r, tool) };
});

const embeddingsRoute = inference((body, r) => {
  const inputs = inputsOf(body.input);
  return inputs.length === 0 ? { status: 400, json: NO_INPUT } : { json: embeddings(r, inputs) };
});

/** A model list, padded to about `faults.modelListBytes` when set (an upstream answering hundreds of MiB). */
function sendList(x: Exchange, fake: FakeState, body: Json): void {
  const bytes = fake.faults.modelListBytes;
  sendJson(x.res, 200, bytes === null ? body : { ...body, padding: "x".repeat(bytes) });
}

const COMMON: Array<[string, Handler]> = [
  ["GET /v1/models", (x, fake) => sendList(x, fake, modelList(fake.models, fake.created, OWNED_BY[fake.kind]))],
  ["POST /v1/chat/completions", chatRoute],
  ["POST /v1/completions", streamable(textCompletion, completionStream)],
  ["POST /v1/embeddings", embeddingsRoute],
  ["POST /v1/responses", streamable(responseObject, responseStream)],
];

// ---- Ollama ----

const ollamaShowRoute: Handler = (x, fake) => later(x.res, fake.faults.metadataDelayMs, () => answerShow(x, fake));

function answerShow(x: Exchange, fake: FakeState): void {
  const body = isRecord(x.body) ? x.body : {};
  const requested = body.model ?? body.name;
  if (typeof requested !== "string" || requested === "") return sendJson(x.res, 400, { error: "model is required" });
  const model = fake.findModel(requested);
  if (model === undefined) return sendJson(x.res, 404, { error: `model '${requested}' not found` });
  sendJson(x.res, 200, ollamaShow(model));
}

// ---- xLLM ----

const xllmDownload: Handler = (x, fake) => {
  const model = isRecord(x.body) ? x.body.model : undefined;
  if (typeof model !== "string" || model === "") return sendJson(x.res, 400, NO_MODEL);
  const id = `task-${fake.nextId()}`;
  fake.tasks.set(id, { model, progress: 0 });
  sendJson(x.res, 202, { task_id: id });
};

/** Every poll advances the task by 25%; at 100% the model joins the list. */
const xllmPoll: Handler = (x, fake) => {
  const id = new URLSearchParams(x.query).get("task_id") ?? "";
  const task = fake.tasks.get(id);
  if (!task)
    return sendJson(x.res, 404, openAiError(`task '${id}' not found`, "invalid_request_error", "task_not_found"));
  task.progress = Math.min(100, task.progress + 25);
  if (task.progress === 100 && fake.findModel(task.model) === undefined) fake.models = [...fake.models, task.model];
  sendJson(x.res, 200, xllmProgress(task.progress));
};

const INFO_PREFIX = "/api/models/";
const INFO_SUFFIX = "/info";

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `GET /api/models/{id}/info`, where the id may contain `/` and `:` (percent-encoded or not). */
const xllmInfo: Router = (method, path) => {
  if (method !== "GET" || !path.startsWith(INFO_PREFIX) || !path.endsWith(INFO_SUFFIX)) return undefined;
  if (path.length <= INFO_PREFIX.length + INFO_SUFFIX.length) return undefined;
  const id = safeDecode(path.slice(INFO_PREFIX.length, -INFO_SUFFIX.length));
  return (x, fake) =>
    later(x.res, fake.faults.metadataDelayMs, () =>
      fake.findModel(id) === undefined
        ? sendJson(x.res, 404, modelNotFound(id))
        : sendJson(x.res, 200, XLLM_MODEL_INFO),
    );
};

// ---- per kind ----

const OK = json({ status: "ok" });

const OWN_ROUTES: Record<FakeKind, Array<[string, Handler]>> = {
  xllm: [
    ["GET /api/system", json(XLLM_SYSTEM)],
    ["GET /api/health", OK],
    ["POST /api/models/download", xllmDownload],
    ["GET /api/download/progress", xllmPoll],
  ],
  ollama: [
    ["GET /api/tags", (x, fake) => sendList(x, fake, ollamaTags(fake.models))],
    ["POST /api/show", ollamaShowRoute],
    ["GET /api/version", json({ version: "0.5.7" })],
  ],
  vllm: [],
  lm_studio: [],
  llamacpp: [["GET /health", OK]],
  openai: [],
  tags_error: [["GET /api/tags", json({ error: "unauthorized" })]],
};

export function routerFor(kind: FakeKind): Router {
  const table = new Map<string, Handler>([...COMMON, ...OWN_ROUTES[kind]]);
  const dynamic: Router | undefined = kind === "xllm" ? xllmInfo : undefined;
  return (method, path) => table.get(`${method} ${path}`) ?? dynamic?.(method, path);
}
