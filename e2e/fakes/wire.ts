// Pure response builders for the fake upstreams: OpenAI, Ollama and xLLM wire shapes, SSE frames.
import type { FakeKind } from "./types";

export type Json = Record<string, unknown>;

/** What one inference reply is made of; `usage` is undefined when the fault `omitUsage` is on. */
export interface Reply {
  /** Unique per reply; builders add the OpenAI prefixes (chatcmpl-, cmpl-, resp_). */
  id: string;
  created: number;
  model: string;
  text: string;
  pieces: string[];
  promptTokens: number;
  completionTokens: number;
  withUsage: boolean;
}

/** SSE frames of one stream; `content` frames are the ones `dieAfterChunks` counts. */
export interface StreamPlan {
  head: string[];
  content: string[];
  tail: string[];
}

export const OWNED_BY: Record<FakeKind, string> = {
  xllm: "xllm",
  ollama: "library",
  vllm: "vllm",
  lm_studio: "organization_owner",
  llamacpp: "llamacpp",
  openai: "openai",
  tags_error: "openai",
};

export const SERVER_HEADER: Partial<Record<FakeKind, string>> = {
  vllm: "uvicorn",
  lm_studio: "LM Studio/0.3.5",
  llamacpp: "llama.cpp",
};

export const DEFAULT_MODELS: Partial<Record<FakeKind, string[]>> = {
  xllm: ["llama-3.2-1b"],
  ollama: ["llama3.1:8b", "nomic-embed-text:latest"],
};

export const NOT_FOUND: Json = { error: { message: "not found" } };

export const GARBAGE_HTML =
  "<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Please sign in</h1><p>This is not an API.</p></body></html>";

export function openAiError(message: string, type: string, code: string | null, param: string | null = null): Json {
  return { error: { message, type, param, code } };
}

/** The error body a fault status (inference `status` or `healthStatus`) answers with. */
export function statusError(status: number): Json {
  if (status === 429)
    return openAiError("Rate limit reached (fake upstream)", "rate_limit_error", "rate_limit_exceeded");
  if (status === 401) return openAiError("Incorrect API key provided", "invalid_request_error", "invalid_api_key");
  const type = status >= 500 ? "server_error" : "invalid_request_error";
  return openAiError(`Fake upstream answered ${status}`, type, null);
}

export const UNAUTHORIZED = statusError(401);

export function modelNotFound(model: string): Json {
  return openAiError(`The model '${model}' does not exist`, "invalid_request_error", "model_not_found", "model");
}

/** The deterministic reply text ("Hello from NAME", padded with "!" when there are more chunks than characters) in `n` pieces. */
export function replyPieces(name: string, n: number): string[] {
  const base = `Hello from ${name}`;
  const text = base.length >= n ? base : base + "!".repeat(n - base.length);
  const pieces: string[] = [];
  for (let i = 0; i < n; i++) {
    pieces.push(text.slice(Math.floor((i * text.length) / n), Math.floor(((i + 1) * text.length) / n)));
  }
  return pieces;
}

export function isEmbeddingModel(model: string): boolean {
  return /embed/i.test(model);
}

// ---- OpenAI ----

export function modelList(models: readonly string[], created: number, ownedBy: string): Json {
  return { object: "list", data: models.map((id) => ({ id, object: "model", created, owned_by: ownedBy })) };
}

function chatUsage(r: Reply): Json | undefined {
  if (!r.withUsage) return undefined;
  return {
    prompt_tokens: r.promptTokens,
    completion_tokens: r.completionTokens,
    total_tokens: r.promptTokens + r.completionTokens,
  };
}

export function chatCompletion(r: Reply): Json {
  const choice = { index: 0, message: { role: "assistant", content: r.text }, finish_reason: "stop" };
  return {
    id: `chatcmpl-${r.id}`,
    object: "chat.completion",
    created: r.created,
    model: r.model,
    choices: [choice],
    usage: chatUsage(r),
  };
}

/** The fixed arguments every fake tool call carries, in the fragments a stream sends them as. */
export const TOOL_ARGUMENT_PIECES = ['{"city":', '"Tokyo",', '"days":', "3}"];
export const TOOL_ARGUMENTS = TOOL_ARGUMENT_PIECES.join("");

/** A chat completion calling `tool` with TOOL_ARGUMENTS. */
export function toolCallCompletion(r: Reply, tool: string): Json {
  const call = { id: `call_${r.id}`, type: "function", function: { name: tool, arguments: TOOL_ARGUMENTS } };
  const choice = {
    index: 0,
    message: { role: "assistant", content: null, tool_calls: [call] },
    finish_reason: "tool_calls",
  };
  return {
    id: `chatcmpl-${r.id}`,
    object: "chat.completion",
    created: r.created,
    model: r.model,
    choices: [choice],
    usage: chatUsage(r),
  };
}

/** The same call streamed: the call's id and name first, then its arguments in TOOL_ARGUMENT_PIECES. */
export function toolCallStream(r: Reply, tool: string, includeUsage: boolean): StreamPlan {
  return openAiStream(
    { ...r, pieces: TOOL_ARGUMENT_PIECES },
    `chatcmpl-${r.id}`,
    "chat.completion.chunk",
    includeUsage,
    (piece, i) => {
      if (piece === null) return { index: 0, delta: {}, finish_reason: "tool_calls" };
      const fn = i === 0 ? { name: tool, arguments: piece } : { arguments: piece };
      const call =
        i === 0 ? { index: 0, id: `call_${r.id}`, type: "function", function: fn } : { index: 0, function: fn };
      return {
        index: 0,
        delta: i === 0 ? { role: "assistant", tool_calls: [call] } : { tool_calls: [call] },
        finish_reason: null,
      };
    },
  );
}

export function textCompletion(r: Reply): Json {
  const choice = { index: 0, text: r.text, logprobs: null, finish_reason: "stop" };
  return {
    id: `cmpl-${r.id}`,
    object: "text_completion",
    created: r.created,
    model: r.model,
    choices: [choice],
    usage: chatUsage(r),
  };
}

function sse(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

function sseEvent(type: string, data: Json): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

const DONE = "data: [DONE]\n\n";

/** An OpenAI chunk stream: one frame per piece, a finish frame, an optional usage frame, then [DONE]. */
function openAiStream(
  r: Reply,
  id: string,
  object: string,
  includeUsage: boolean,
  choice: (piece: string | null, i: number) => Json,
): StreamPlan {
  const frame = (choices: Json[], extra?: Json): string =>
    sse({ id, object, created: r.created, model: r.model, choices, ...extra });
  const tail = [frame([choice(null, r.pieces.length)])];
  const usage = includeUsage ? chatUsage(r) : undefined;
  if (usage) tail.push(frame([], { usage }));
  tail.push(DONE);
  return { head: [], content: r.pieces.map((p, i) => frame([choice(p, i)])), tail };
}

export function chatStream(r: Reply, includeUsage: boolean): StreamPlan {
  return openAiStream(r, `chatcmpl-${r.id}`, "chat.completion.chunk", includeUsage, (piece, i) => {
    if (piece === null) return { index: 0, delta: {}, finish_reason: "stop" };
    const delta = i === 0 ? { role: "assistant", content: piece } : { content: piece };
    return { index: 0, delta, finish_reason: null };
  });
}

export function completionStream(r: Reply, includeUsage: boolean): StreamPlan {
  return openAiStream(r, `cmpl-${r.id}`, "text_completion", includeUsage, (piece) => ({
    index: 0,
    text: piece ?? "",
    logprobs: null,
    finish_reason: piece === null ? "stop" : null,
  }));
}

/** Eight deterministic floats in [-1, 1) derived from the input. */
export function embeddingVector(input: string): number[] {
  let h = 2166136261;
  for (let i = 0; i < input.length; i++) h = Math.imul(h ^ input.charCodeAt(i), 16777619);
  const out: number[] = [];
  for (let i = 0; i < 8; i++) {
    h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0;
    out.push(Math.round((h / 2 ** 31 - 1) * 1e6) / 1e6);
  }
  return out;
}

export function embeddings(r: Reply, inputs: readonly string[]): Json {
  const data = inputs.map((s, index) => ({ object: "embedding", index, embedding: embeddingVector(s) }));
  const usage = r.withUsage ? { prompt_tokens: r.promptTokens, total_tokens: r.promptTokens } : undefined;
  return { object: "list", data, model: r.model, usage };
}

export function responseObject(r: Reply, status = "completed"): Json {
  const content = [{ type: "output_text", text: r.text, annotations: [] }];
  const message = { type: "message", id: `msg_${r.id}`, status, role: "assistant", content };
  const usage = r.withUsage
    ? {
        input_tokens: r.promptTokens,
        output_tokens: r.completionTokens,
        total_tokens: r.promptTokens + r.completionTokens,
      }
    : undefined;
  return {
    id: `resp_${r.id}`,
    object: "response",
    created_at: r.created,
    status,
    model: r.model,
    output: [message],
    usage,
  };
}

/** A Responses API event stream: response.created, one output_text.delta per piece, output_text.done, response.completed. */
export function responseStream(r: Reply): StreamPlan {
  const created = { ...responseObject(r, "in_progress"), output: [], usage: undefined };
  const at = { item_id: `msg_${r.id}`, output_index: 0, content_index: 0 };
  return {
    head: [sseEvent("response.created", { response: created })],
    content: r.pieces.map((delta) => sseEvent("response.output_text.delta", { ...at, delta })),
    tail: [
      sseEvent("response.output_text.done", { ...at, text: r.text }),
      sseEvent("response.completed", { response: responseObject(r) }),
    ],
  };
}

// ---- Ollama ----

function digestOf(name: string): string {
  const hex = embeddingVector(name)
    .map((f) =>
      Math.floor((f + 1) * 0x7fffffff)
        .toString(16)
        .padStart(8, "0"),
    )
    .join("");
  return `sha256:${hex}`;
}

const OLLAMA_DETAILS = { format: "gguf", family: "llama", parameter_size: "8B", quantization_level: "Q4_K_M" };

export function ollamaTags(models: readonly string[]): Json {
  return {
    models: models.map((name) => ({
      name,
      model: name,
      modified_at: "2025-01-01T00:00:00Z",
      size: isEmbeddingModel(name) ? 274302450 : 4920753328,
      digest: digestOf(name),
      details: OLLAMA_DETAILS,
    })),
  };
}

export function ollamaShow(model: string): Json {
  return {
    modelfile: `# Modelfile generated by the fake upstream\nFROM ${model}\n`,
    details: OLLAMA_DETAILS,
    model_info: { "general.architecture": "llama", "llama.context_length": 131072 },
    capabilities: isEmbeddingModel(model) ? ["embedding"] : ["completion", "tools"],
  };
}

// ---- xLLM ----

export const XLLM_SYSTEM: Json = {
  xllm_version: "0.9.1",
  gpus: [
    {
      index: 0,
      name: "NVIDIA GeForce RTX 4090",
      memory_total_mb: 24564,
      memory_used_mb: 2048,
      utilization_percent: 12,
    },
  ],
};

export const XLLM_MODEL_INFO: Json = { context_length: 131072, capabilities: ["text", "vision"] };

export function xllmProgress(progress: number): Json {
  const done = progress >= 100;
  return {
    status: done ? "completed" : "downloading",
    progress,
    speed_mbps: done ? 0 : 250,
    eta_seconds: (100 - progress) / 25,
  };
}
