import { readUsage, type Usage } from "./usage";

const CONTENT = /"(?:content|text|delta)":"((?:[^"\\]|\\.)*)"/g;

/**
 * Relays an SSE stream event by event, reading usage on the way. When the proxy injected
 * `stream_options.include_usage` the client did not ask for, the usage-only chunk (`choices: []`) is dropped.
 * Bytes are otherwise passed through untouched. Pure apart from its own state.
 */
export class SseRelay {
  usage: Usage | null = null;
  generatedChars = 0;
  private carry = "";

  constructor(private readonly dropUsageChunk: boolean) {}

  /** Returns the complete events to forward now ("" when only a partial event arrived). */
  push(chunk: Buffer): string {
    const text = this.carry ? this.carry + chunk.toString("utf8") : chunk.toString("utf8");
    const end = text.lastIndexOf("\n\n");
    if (end === -1) {
      this.carry = text;
      return "";
    }
    this.carry = text.slice(end + 2);
    const complete = text.slice(0, end + 2);
    for (const m of complete.matchAll(CONTENT)) this.generatedChars += m[1].length;
    if (!complete.includes('"usage"')) return complete;
    return this.scanUsage(complete);
  }

  /** Whatever is left when the stream ends. */
  flush(): string {
    const rest = this.carry;
    this.carry = "";
    return rest;
  }

  private scanUsage(complete: string): string {
    const events = complete.split("\n\n");
    const kept: string[] = [];
    for (const event of events) {
      if (!event) continue;
      const data = event.startsWith("data: ") ? event.slice(6) : (event.split("\n").find((l) => l.startsWith("data: "))?.slice(6) ?? "");
      if (data.includes('"usage"')) {
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
