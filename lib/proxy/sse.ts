import { USAGE_KEY, readUsage, type Usage } from "./usage";

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/** `"usage"` starts at i (i holds a quote). */
function usageKeyAt(b: Buffer, i: number): boolean {
  if (i + USAGE_KEY.length > b.length) return false;
  for (let k = 1; k < USAGE_KEY.length; k++) if (b[i + k] !== USAGE_KEY[k]) return false;
  return true;
}

/**
 * Relays an SSE stream event by event, in bytes, reading usage on the way. When the proxy injected
 * `stream_options.include_usage` the client did not ask for, the usage-only chunk (`choices: []`) is dropped.
 * One pass over the bytes finds the events' ends (a blank line: `\n\n`, `\r\n\r\n` or `\n\r\n`) and the events
 * that mention usage; only those are decoded. Complete events without usage (the common case) leave as the same
 * bytes; a partial event waits for its end.
 */
export class SseRelay {
  usage: Usage | null = null;
  /** events seen: about one generated token each, the estimate when the upstream reports no usage */
  events = 0;
  /** the start of an event whose end has not arrived yet */
  private carry: Buffer | null = null;
  /** bytes of `carry` already scanned, and whether they mention usage */
  private scanned = 0;
  private usageInCarry = false;

  constructor(private readonly dropUsageChunk: boolean) {}

  /** The complete events to forward now (null when none is complete yet). */
  push(chunk: Buffer): Buffer | null {
    const b = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    let usageHere = this.usageInCarry;
    // a key cut by the previous chunk's end is found again; an event's end is found looking back, so never twice
    const from = this.carry ? Math.max(0, this.scanned - (USAGE_KEY.length - 1)) : 0;
    let eventStart = 0;
    let kept: Buffer[] | null = null;
    let keptFrom = 0;
    for (let i = from; i < b.length; i++) {
      const c = b[i];
      if (c === QUOTE) {
        if (!usageHere && usageKeyAt(b, i)) usageHere = true;
      } else if (c === LF && i > 0 && (b[i - 1] === LF || (b[i - 1] === CR && i > 1 && b[i - 2] === LF))) {
        const eventEnd = i + 1;
        this.events++;
        if (usageHere && this.readUsage(b.toString("utf8", eventStart, eventEnd))) {
          (kept ??= []).push(b.subarray(keptFrom, eventStart)); // the injected usage chunk: dropped
          keptFrom = eventEnd;
        }
        usageHere = false;
        eventStart = eventEnd;
      }
    }
    this.carry = eventStart < b.length ? b.subarray(eventStart) : null;
    this.scanned = b.length - eventStart;
    this.usageInCarry = usageHere;
    if (eventStart === 0) return null;
    if (!kept) return eventStart === b.length ? b : b.subarray(0, eventStart);
    kept.push(b.subarray(keptFrom, eventStart));
    return Buffer.concat(kept);
  }

  /** Whatever is left when the stream ends (an event without its blank line). */
  flush(): Buffer | null {
    const rest = this.carry;
    this.carry = null;
    this.scanned = 0;
    this.usageInCarry = false;
    return rest;
  }

  /** Reads usage from an event that mentions it; true when it is the injected usage chunk, to be dropped. */
  private readUsage(event: string): boolean {
    const line = event.split(/\r?\n/).find((l) => l.startsWith("data:"));
    if (!line) return false;
    try {
      const json = JSON.parse(line.slice(5)) as { choices?: unknown[] };
      const usage = readUsage(json);
      if (!usage) return false;
      this.usage = usage;
      return this.dropUsageChunk && Array.isArray(json.choices) && json.choices.length === 0;
    } catch {
      return false; // not JSON: pass it on
    }
  }
}
