// Public types of the fake upstream servers (re-exported by ./upstream).
import type { Engine, EngineOptions } from "./engine";

export const FAKE_KINDS = ["xllm", "ollama", "vllm", "lm_studio", "llamacpp", "openai", "tags_error"] as const;
export type FakeKind = (typeof FAKE_KINDS)[number];

export interface FakeFaults {
  /** Delay before sending response headers on inference routes. */
  delayMs: number;
  /** Delay between SSE chunks. */
  chunkDelayMs: number;
  /**
   * Streaming: each frame is written after an SSE comment `: t=NS`, NS the time of the write
   * (`process.hrtime.bigint()`, one monotonic clock for every process on the machine), so a benchmark can tell how
   * long each chunk took to reach it.
   */
  stampChunks: boolean;
  /** Inference routes answer with this status and an OpenAI-shaped error body; 429 adds `Retry-After: 1`. */
  status: number | null;
  /** Discovery/health routes (/api/system, /api/health, /api/tags, /v1/models, /health) answer with this status. */
  healthStatus: number | null;
  /** Every route: accept the request and never answer. */
  hang: boolean;
  /** Inference routes only: accept the request and never answer (a wedged engine whose model list still answers). */
  hangInference: boolean;
  /** Streaming: destroy the socket after N content chunks. */
  dieAfterChunks: number | null;
  /** Non-streaming inference: write the body one byte at a time with this gap. */
  slowBytesMs: number | null;
  /** Every route: answer 200 with an HTML page. */
  garbage: boolean;
  /** Leave `usage` out of responses (and no usage chunk when streaming). */
  omitUsage: boolean;
  /** Inference answers compressed with this when the request's Accept-Encoding allows it (nginx's `gzip on`). */
  encoding: FakeEncoding | null;
  /** With `encoding`: compress even when the request did not ask for it (a misconfigured CDN). */
  forceEncoding: boolean;
  /** Non-streaming inference: pad the generated text so the answer is about this many bytes. */
  answerBytes: number | null;
  /** Inference routes answer with these extra headers. */
  extraHeaders: Record<string, string> | null;
  /** Inference routes answer 307 with this Location. */
  redirect: string | null;
  /** Model lists (`/v1/models`, `/api/tags`) padded with an extra field to about this many bytes. */
  modelListBytes: number | null;
  /** Delay before answering model metadata (Ollama `/api/show`, xLLM `/api/models/{id}/info`). */
  metadataDelayMs: number;
}

export type FakeEncoding = "gzip" | "deflate" | "br";

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or the raw string when it is not JSON, or undefined when empty. */
  body: unknown;
}

export interface FakeUpstream {
  readonly kind: FakeKind;
  readonly port: number;
  /** "http://127.0.0.1:PORT" (no trailing slash). */
  readonly url: string;
  /** The reply text: the same for two fakes of the same `name` and `chunks` (what a resume continues). */
  readonly text: string;
  /** Mutable: changes what model lists report. */
  models: string[];
  /** Mutable at runtime. */
  faults: FakeFaults;
  setFaults(f: Partial<FakeFaults>): void;
  resetFaults(): void;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Inference requests currently open. */
  inflight: number;
  /** Inference requests whose connection closed before the response finished. */
  aborted: number;
  /** Inference requests completed. */
  served: number;
  /** The engine simulation, when started with `engine`. */
  readonly engine: Engine | null;
  /** Close the listener and destroy all sockets (so the port refuses connections). */
  stop(): Promise<void>;
  /** Listen again on the same port after stop(). */
  start(): Promise<void>;
}

export interface FakeOptions {
  kind: FakeKind;
  port?: number;
  models?: string[];
  apiKey?: string;
  /** SSE content chunks, default 5. */
  chunks?: number;
  /** usage.completion_tokens, default 10. */
  completionTokens?: number;
  /** Used in the reply text, default the kind. */
  name?: string;
  faults?: Partial<FakeFaults>;
  /** Behave like the engine (slots, queue, model loading, context limit, telemetry routes): ./engine.ts. */
  engine?: EngineOptions;
  /** Record requests into `requests` (default true). Long benchmarks turn this off to keep memory flat. */
  record?: boolean;
  /** The listen backlog (default Node's 511): the streams benchmark opens thousands of connections a second. */
  backlog?: number;
}
