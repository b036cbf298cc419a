// The Playground's chat call: POST /v1/chat/completions with the session cookie (same origin), SSE read as it
// arrives, and which endpoint served it from the response headers. Client-only; imports nothing from lib.

export interface ChatSettings {
  model: string;
  endpointId: string | null;
  system: string;
  temperature: number;
  maxTokens: number;
  stream: boolean;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatOutcome {
  text: string;
  endpointId: string | null;
  endpointName: string | null;
  status: number;
  ttftMs: number | null;
  totalMs: number;
  completionTokens: number | null;
  tokensPerSec: number | null;
  error: string | null;
}

export const PIN_HEADER = "X-LLMLB-Endpoint";

export function chatBody(s: ChatSettings, history: ChatMessage[]) {
  const messages = s.system.trim() ? [{ role: "system", content: s.system.trim() }, ...history] : history;
  return {
    model: s.model,
    messages,
    temperature: s.temperature,
    max_tokens: s.maxTokens,
    stream: s.stream,
    ...(s.stream ? { stream_options: { include_usage: true } } : {}),
  };
}

const shellQuote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

/** The same request as a curl command, with an API key placeholder instead of the session. */
export function curlCommand(origin: string, s: ChatSettings, history: ChatMessage[]): string {
  const lines = [
    `curl ${shellQuote(`${origin}/v1/chat/completions`)}`,
    `-H "Authorization: Bearer $LLMLB_API_KEY"`,
    `-H 'Content-Type: application/json'`,
    ...(s.endpointId ? [`-H ${shellQuote(`${PIN_HEADER}: ${s.endpointId}`)}`] : []),
    ...(s.stream ? ["-N"] : []),
    `-d ${shellQuote(JSON.stringify(chatBody(s, history)))}`,
  ];
  return lines.join(" \\\n  ");
}

interface Chunk {
  choices?: Array<{ delta?: { content?: string | null }; message?: { content?: string | null } }>;
  usage?: { completion_tokens?: number } | null;
  error?: { message?: string };
}

/** Splits complete SSE events off `buffer`; returns their data payloads and the unfinished rest. */
export function takeSseEvents(buffer: string): { data: string[]; rest: string } {
  const parts = buffer.replace(/\r\n/g, "\n").split("\n\n");
  const rest = parts.pop() ?? "";
  const data = parts
    .map((ev) =>
      ev
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).replace(/^ /, ""))
        .join("\n"),
    )
    .filter((d) => d !== "");
  return { data, rest };
}

const parse = (s: string): Chunk | null => {
  try {
    return JSON.parse(s) as Chunk;
  } catch {
    return null;
  }
};

export async function sendChat(opts: {
  settings: ChatSettings;
  history: ChatMessage[];
  signal: AbortSignal;
  onDelta: (text: string) => void;
}): Promise<ChatOutcome> {
  const { settings, history, signal, onDelta } = opts;
  const started = performance.now();
  const out: ChatOutcome = {
    text: "",
    endpointId: null,
    endpointName: null,
    status: 0,
    ttftMs: null,
    totalMs: 0,
    completionTokens: null,
    tokensPerSec: null,
    error: null,
  };
  let firstAt: number | null = null;
  let pieces = 0;
  const add = (piece: string) => {
    if (!piece) return;
    firstAt ??= performance.now();
    pieces++;
    out.text += piece;
    onDelta(out.text);
  };
  const absorb = (c: Chunk | null) => {
    if (!c) return;
    if (c.error) out.error = c.error.message ?? "error";
    add(c.choices?.[0]?.delta?.content ?? c.choices?.[0]?.message?.content ?? "");
    if (typeof c.usage?.completion_tokens === "number") out.completionTokens = c.usage.completion_tokens;
  };
  try {
    const res = await fetch("/v1/chat/completions", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(settings.endpointId ? { [PIN_HEADER]: settings.endpointId } : {}),
      },
      body: JSON.stringify(chatBody(settings, history)),
      signal,
    });
    out.status = res.status;
    out.endpointId = res.headers.get("x-llmlb-endpoint-id");
    const name = res.headers.get("x-llmlb-endpoint-name");
    out.endpointName = name ? decodeURIComponent(name) : null;
    if (!res.ok || !res.body) {
      const body = parse(await res.text());
      out.error = body?.error?.message ?? `HTTP ${res.status}`;
    } else if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) {
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const { data, rest } = takeSseEvents(buffer + value);
        buffer = rest;
        for (const d of data) if (d !== "[DONE]") absorb(parse(d));
      }
    } else absorb(parse(await res.text()));
  } catch (err) {
    out.error = signal.aborted ? null : String(err);
  }
  const end = performance.now();
  out.totalMs = end - started;
  out.ttftMs = firstAt === null ? null : firstAt - started;
  const genSecs = firstAt !== null && end - firstAt > 1 ? (end - firstAt) / 1000 : out.totalMs / 1000;
  out.completionTokens ??= pieces || null; // no usage reported: one streamed piece ≈ one token
  if (out.completionTokens !== null && genSecs > 0) out.tokensPerSec = out.completionTokens / genSecs;
  return out;
}
