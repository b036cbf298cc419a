// Engine behaviour for the fakes, shared by the integration tests and the routing-quality benchmark:
// parallel slots with a queue behind them (Ollama's OLLAMA_NUM_PARALLEL, vLLM's max_num_seqs under continuous
// batching, llama.cpp's fixed slots and deferred requests), models loaded on demand with a load delay and LRU
// eviction past OLLAMA_MAX_LOADED_MODELS (Ollama; LM Studio's JIT loading), a context limit enforced with the
// engine's own 400, and the telemetry each engine really serves, truthful to that state: Ollama GET /api/ps,
// vLLM GET /metrics and max_model_len in /v1/models, llama.cpp GET /props, /slots, /metrics, LM Studio
// GET /api/v0/models. Prompt tokens are counted as the load balancer estimates them (4 characters a token).
import type { ServerResponse } from "node:http";
import { estimatePromptTokens, requestedMaxTokens } from "../../lib/proxy/token-estimate";
import type { FakeKind } from "./types";
import { type Exchange, sendJson, sendText } from "./http";
import { type Json, modelList, OWNED_BY } from "./wire";

export interface EngineOptions {
  /** requests served at once (OLLAMA_NUM_PARALLEL, max_num_seqs, llama.cpp --parallel) */
  parallel: number;
  /** models loaded at once, least recently used evicted (OLLAMA_MAX_LOADED_MODELS); default: every model, loaded from the start */
  maxLoaded?: number;
  /** a cold load takes this long */
  loadMs?: number;
  /** the context each model is loaded with (n_ctx, max_model_len, Ollama's context_length) */
  contextLength?: number;
  /** time to first token once a slot is free and the model loaded */
  ttftMs?: number;
  /** time per generated token */
  tokenMs?: number;
  /** models loaded at start when maxLoaded is set */
  loaded?: string[];
}

interface Resident {
  lastUsed: number;
  active: number;
  /** resolves when the load finished */
  ready: Promise<void>;
  loading: boolean;
}

export class Engine {
  readonly resident = new Map<string, Resident>();
  running = 0;
  private queue: Array<() => void> = [];
  /** requests refused for their length: a context overflow that reached the engine */
  overflows = 0;
  coldLoads = 0;

  constructor(
    readonly kind: FakeKind,
    readonly opts: EngineOptions,
    private readonly models: () => string[],
  ) {
    const start = opts.maxLoaded === undefined ? models() : (opts.loaded ?? []);
    for (const m of start)
      this.resident.set(m, { lastUsed: Date.now(), active: 0, ready: Promise.resolve(), loading: false });
  }

  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Serves one inference request: the engine's 400 when it is too long, else waits for a slot and the model,
   * then calls `send` with the time per token; the slot is held until the response closes.
   */
  serve(x: Exchange, model: string, send: (tokenMs: number) => void): void {
    const body = (x.body ?? {}) as Record<string, unknown>;
    const need = estimatePromptTokens(body) + requestedMaxTokens(body);
    const ctx = this.opts.contextLength;
    if (ctx !== undefined && need > ctx) {
      this.overflows++;
      return sendJson(x.res, 400, {
        object: "error",
        type: "BadRequestError",
        code: 400,
        message: `This model's maximum context length is ${ctx} tokens. However, you requested ${need} tokens.`,
      });
    }
    this.acquireSlot(x.res, () => {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        const r = this.resident.get(model);
        if (r) r.active--;
        this.running--;
        this.queue.shift()?.();
      };
      x.res.once("close", release);
      void this.ensureLoaded(model).then(() => {
        if (x.res.destroyed) return;
        setTimeout(() => !x.res.destroyed && send(this.opts.tokenMs ?? 0), this.opts.ttftMs ?? 0);
      });
    });
  }

  private acquireSlot(res: ServerResponse, go: () => void): void {
    const start = () => {
      this.running++;
      go();
    };
    if (this.running < this.opts.parallel) return start();
    const waiter = () => (res.destroyed ? this.queue.shift()?.() : start());
    this.queue.push(waiter);
  }

  /** The model loaded (and marked in use), evicting the least recently used idle model when full. */
  private async ensureLoaded(model: string): Promise<void> {
    let r = this.resident.get(model);
    if (!r) {
      const max = this.opts.maxLoaded ?? Infinity;
      while (this.resident.size >= max) {
        const idle = [...this.resident]
          .filter(([, v]) => v.active === 0 && !v.loading)
          .sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
        if (!idle) break; // every loaded model busy: Ollama waits; here it loads alongside (rare in the traces)
        this.resident.delete(idle[0]);
      }
      this.coldLoads++;
      const entry: Resident = {
        lastUsed: Date.now(),
        active: 0,
        loading: true,
        ready: new Promise((done) => setTimeout(done, this.opts.loadMs ?? 0)),
      };
      this.resident.set(model, entry);
      void entry.ready.then(() => (entry.loading = false));
      r = entry;
    }
    r.active++;
    r.lastUsed = Date.now();
    await r.ready;
  }

  private loadedNow(): string[] {
    return [...this.resident].filter(([, r]) => !r.loading).map(([m]) => m);
  }

  /** The engine's own telemetry routes, by kind; undefined for anything else. */
  route(method: string, path: string): ((x: Exchange) => void) | undefined {
    if (method !== "GET") return undefined;
    const ctx = this.opts.contextLength ?? 4096;
    const json = (body: Json) => (x: Exchange) => sendJson(x.res, 200, body);
    const prom = (lines: string[]) => (x: Exchange) =>
      sendText(x.res, 200, "text/plain; version=0.0.4", `${lines.join("\n")}\n`);
    switch (`${this.kind} ${path}`) {
      case "ollama /api/ps": {
        const expires = new Date(Date.now() + 5 * 60_000).toISOString();
        return json({
          models: this.loadedNow().map((m) => ({
            name: m,
            model: m,
            size: 5e9,
            size_vram: 4.5e9,
            digest: "0",
            details: { format: "gguf" },
            expires_at: expires,
            context_length: ctx,
          })),
        });
      }
      case "vllm /metrics":
        return prom(
          this.models().flatMap((m) => [
            `vllm:num_requests_running{model_name="${m}"} ${this.running}.0`,
            `vllm:num_requests_waiting{model_name="${m}"} ${this.waiting}.0`,
            `vllm:kv_cache_usage_perc{model_name="${m}"} ${Math.min(1, this.running / this.opts.parallel)}`,
          ]),
        );
      case "vllm /v1/models":
        return json({
          object: "list",
          data: (modelList(this.models(), 0, OWNED_BY.vllm).data as Json[]).map((m) => ({ ...m, max_model_len: ctx })),
        });
      case "llamacpp /props":
        return json({
          default_generation_settings: { n_ctx: ctx },
          total_slots: this.opts.parallel,
          model_path: this.models()[0],
        });
      case "llamacpp /slots":
        return json(
          Array.from({ length: this.opts.parallel }, (_, id) => ({
            id,
            n_ctx: ctx,
            is_processing: id < this.running,
          })) as unknown as Json,
        );
      case "llamacpp /metrics":
        return prom([`llamacpp:requests_processing ${this.running}`, `llamacpp:requests_deferred ${this.waiting}`]);
      case "lm_studio /api/v0/models": {
        const loaded = new Set(this.loadedNow());
        return json({
          object: "list",
          data: this.models().map((m) => ({
            id: m,
            object: "model",
            type: "llm",
            state: loaded.has(m) ? "loaded" : "not-loaded",
            max_context_length: ctx,
            ...(loaded.has(m) ? { loaded_context_length: ctx } : {}),
          })),
        });
      }
      default:
        return undefined;
    }
  }
}
