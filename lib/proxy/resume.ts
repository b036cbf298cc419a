// Resuming a broken stream: when an upstream dies mid-stream after content was sent, the generation
// continues on another endpoint of the same model, the text so far as a final assistant message to continue, and
// the continuation is relayed as the same stream. Pure: whether a request and a stream can be resumed, the
// continuation's body per engine type, and the rewriting of its events.
import type { EndpointType } from "../db/constants";
import { STREAM_ERROR_EVENT } from "./relay";
import type { EventTransform } from "./sse-writer";

/** The engine types that continue a final assistant message (vLLM with `continue_final_message`). */
export const RESUMABLE_TYPES: ReadonlySet<EndpointType> = new Set(["vllm", "llamacpp", "ollama"]);
/**
 * The most of a stream's relayed bytes kept while it is resumable: past it, resume is off for that stream (a
 * continuation's prompt would be huge anyway). Nothing is kept for a request that cannot be resumed.
 */
export const MAX_KEPT_BYTES = 1024 * 1024;
/** The comment marking the seam: `X-LLMLB-Resumed` cannot be a header, those were sent. */
export const RESUMED_COMMENT = ": llmlb-resumed\n\n";

type Body = Record<string, unknown>;

const present = (v: unknown) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);

/** Whether a request may be resumed: a chat completions stream of one choice, without tools or functions. */
export function requestResumable(route: string, body: Body): boolean {
  if (route !== "/v1/chat/completions" || body.stream !== true || !Array.isArray(body.messages)) return false;
  if (present(body.n) && !(typeof body.n === "number" && body.n <= 1)) return false;
  return !present(body.tools) && !present(body.functions) && !present(body.tool_choice) && !present(body.function_call);
}

/** What the client got of a stream before its upstream broke (its complete events only). */
export interface StreamSoFar {
  id: string | null;
  model: string | null;
  text: string;
  /** content events: about one token each (what an engine sends per token) */
  tokens: number;
  /** reasoning output, tool calls or a choice other than 0 were seen: the text alone cannot be continued */
  unresumable: boolean;
  /** a finish_reason was seen: the generation had ended */
  finished: boolean;
}

type Choice = {
  index?: unknown;
  delta?: {
    content?: unknown;
    reasoning_content?: unknown;
    reasoning?: unknown;
    tool_calls?: unknown;
    function_call?: unknown;
  };
  finish_reason?: unknown;
};

export const emptySoFar = (): StreamSoFar => ({
  id: null,
  model: null,
  text: "",
  tokens: 0,
  unresumable: false,
  finished: false,
});

/**
 * Reads the relayed events with JSON.parse: the reference ./stream-trace.ts reads as the stream goes. A cut last event
 * is not counted: it was not relayed.
 */
export function readSoFar(bytes: Buffer): StreamSoFar {
  const out = emptySoFar();
  readEvents(out, bytes.toString("utf8"));
  return out;
}

/** Reads the complete events of `text` into `out` (what follows the last blank line is not an event yet). */
export function readEvents(out: StreamSoFar, text: string): void {
  const events = text.split(/\r?\n\r?\n/);
  events.pop(); // after the last blank line: an event not complete (or nothing)
  for (const event of events) {
    for (const line of event.split(/\r?\n/)) {
      if (!line.startsWith("data:")) continue;
      const data = line.slice(5).trim();
      if (data === "[DONE]") out.finished = true;
      if (!data.startsWith("{")) continue;
      let json: { id?: unknown; model?: unknown; choices?: Choice[] };
      try {
        json = JSON.parse(data);
      } catch {
        out.unresumable = true;
        continue;
      }
      if (typeof json.id === "string") out.id ??= json.id;
      if (typeof json.model === "string") out.model ??= json.model;
      for (const c of Array.isArray(json.choices) ? json.choices : []) {
        const d = c.delta ?? {};
        if (
          (c.index ?? 0) !== 0 ||
          present(d.reasoning_content) ||
          present(d.reasoning) ||
          present(d.tool_calls) ||
          present(d.function_call)
        )
          out.unresumable = true;
        if (typeof d.content === "string" && d.content) {
          out.text += d.content;
          out.tokens++;
        }
        if (present(c.finish_reason)) out.finished = true;
      }
    }
  }
}

/** Whether what was sent can be continued: some text, nothing but text, not finished. */
export const streamResumable = (s: StreamSoFar) => s.text.length > 0 && !s.unresumable && !s.finished;

/**
 * The continuation's body for an endpoint of `type`, or null when that type cannot continue or no token is left:
 * the original request, the text so far as a final assistant message, `max_tokens` (or `max_completion_tokens`)
 * reduced by the tokens produced, usage asked for (it is summed).
 */
export function continuationBody(
  body: Body,
  type: EndpointType,
  soFar: Pick<StreamSoFar, "text" | "tokens">,
): Body | null {
  if (!RESUMABLE_TYPES.has(type)) return null;
  const messages = [...(body.messages as unknown[]), { role: "assistant", content: soFar.text }];
  const next: Body = {
    ...body,
    messages,
    stream: true,
    stream_options: { ...(body.stream_options as Body | undefined), include_usage: true },
  };
  for (const key of ["max_tokens", "max_completion_tokens"] as const) {
    if (typeof body[key] !== "number") continue;
    const left = (body[key] as number) - soFar.tokens;
    if (left < 1) return null;
    next[key] = left;
  }
  return type === "vllm" ? { ...next, continue_final_message: true, add_generation_prompt: false } : next;
}

/**
 * The continuation's events as the rest of the client's stream: the same `id` and `model`, choice index 0, the
 * role delta dropped, usage (when the client gets it) summed with the tokens sent before; the seam comment first.
 */
export class ContinuationSplice implements EventTransform {
  private seam = true;

  constructor(
    private readonly id: string | null,
    private readonly model: string | null,
    private readonly tokensBefore: number,
  ) {}

  push(events: Buffer): Buffer | null {
    const out: string[] = this.seam ? [RESUMED_COMMENT] : [];
    this.seam = false;
    for (const event of events.toString("utf8").split(/\r?\n\r?\n/)) {
      const rewritten = this.event(event);
      if (rewritten) out.push(`${rewritten}\n\n`);
    }
    return out.length ? Buffer.from(out.join("")) : null;
  }

  end(broken: boolean): Buffer | null {
    return broken ? Buffer.from(STREAM_ERROR_EVENT("the upstream endpoint failed mid-stream")) : null;
  }

  /** One event rewritten, or null to drop it. */
  private event(event: string): string | null {
    if (!event.trim()) return null;
    const line = event.split(/\r?\n/).find((l) => l.startsWith("data:"));
    const data = line?.slice(5).trim();
    if (!data?.startsWith("{")) return event;
    let json: { id?: unknown; model?: unknown; choices?: Choice[]; usage?: Record<string, unknown> | null };
    try {
      json = JSON.parse(data);
    } catch {
      return event;
    }
    if (this.id !== null) json.id = this.id;
    if (this.model !== null) json.model = this.model;
    const choices = Array.isArray(json.choices) ? json.choices : [];
    for (const c of choices) {
      c.index = 0;
      if (c.delta && "role" in c.delta) delete (c.delta as Record<string, unknown>).role;
    }
    const empty =
      choices.length > 0 &&
      choices.every(
        (c) => !present(c.finish_reason) && (!c.delta || Object.values(c.delta).every((v) => v === "" || !present(v))),
      );
    if (empty && !json.usage) return null; // the role-only opening chunk
    const u = json.usage;
    if (u && typeof u.completion_tokens === "number") {
      u.completion_tokens += this.tokensBefore;
      if (typeof u.total_tokens === "number") u.total_tokens += this.tokensBefore;
    }
    return `data: ${JSON.stringify(json)}`;
  }
}
