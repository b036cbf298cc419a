import { readUsage, type Usage } from "./usage";

const EVENT_END = Buffer.from("\n\n");
const USAGE_KEY = '"usage"';

function countEvents(chunk: Buffer): number {
  let n = 0;
  for (let i = chunk.indexOf(EVENT_END); i !== -1; i = chunk.indexOf(EVENT_END, i + 2)) n++;
  return n;
}

/**
 * Relays an SSE stream event by event, reading usage on the way. When the proxy injected
 * `stream_options.include_usage` the client did not ask for, the usage-only chunk (`choices: []`) is dropped.
 * A chunk of whole events without usage (the common case) is passed on as the same bytes, undecoded.
 */
export class SseRelay {
  usage: Usage | null = null;
  /** events seen: about one generated token each, the estimate when the upstream reports no usage */
  events = 0;
  private carry = "";

  constructor(private readonly dropUsageChunk: boolean) {}

  /** Returns the complete events to forward now (empty when only a partial event arrived). */
  push(chunk: Buffer): Buffer | string {
    if (!this.carry && chunk.length >= 2 && chunk[chunk.length - 1] === 0x0a && chunk[chunk.length - 2] === 0x0a && !chunk.includes(USAGE_KEY)) {
      this.events += countEvents(chunk);
      return chunk;
    }
    const text = this.carry + chunk.toString("utf8");
    const end = text.lastIndexOf("\n\n");
    if (end === -1) {
      this.carry = text;
      return "";
    }
    this.carry = text.slice(end + 2);
    const complete = text.slice(0, end + 2);
    if (!complete.includes(USAGE_KEY)) {
      this.events += complete.split("\n\n").length - 1;
      return complete;
    }
    return this.scanUsage(complete);
  }

  /** Whatever is left when the stream ends. */
  flush(): string {
    const rest = this.carry;
    this.carry = "";
    return rest;
  }

  private scanUsage(complete: string): string {
    const kept: string[] = [];
    for (const event of complete.split("\n\n")) {
      if (!event) continue;
      this.events++;
      const data = event.startsWith("data: ") ? event.slice(6) : (event.split("\n").find((l) => l.startsWith("data: "))?.slice(6) ?? "");
      if (data.includes(USAGE_KEY)) {
        try {
          const json = JSON.parse(data) as { choices?: unknown[] };
          const usage = readUsage(json);
          if (usage) {
            this.usage = usage;
            if (this.dropUsageChunk && Array.isArray(json.choices) && json.choices.length === 0) continue;
          }
        } catch {
          /* not JSON: pass it on */
        }
      }
      kept.push(event);
    }
    return kept.length ? kept.join("\n\n") + "\n\n" : "";
  }
}
