import { USAGE_KEY, readUsage, type Usage } from "./usage";
import { CR, LF } from "./chunk-scan";

/**
 * The most of one unfinished event held back for inspection. Past it the event passes on as it arrives, without
 * its usage being read: a stream's events are small, and an upstream sending one endless event must cost neither
 * memory nor the client's first byte.
 */
export const MAX_HELD_EVENT = 1024 * 1024;

const join = (a: Buffer | null, b: Buffer | null): Buffer | null => (a && b ? Buffer.concat([a, b]) : (a ?? b));

/**
 * Relays an SSE stream event by event, in bytes, reading usage on the way. When the proxy injected
 * `stream_options.include_usage` the client did not ask for, the usage-only chunk (`choices: []`) is dropped.
 * Buffer.indexOf (no byte-by-byte loop in JS) finds the events' ends (a blank line: `\n\n`, `\r\n\r\n` or
 * `\n\r\n`) and the events that mention usage; only those are decoded. Complete events without usage (the
 * common case) leave as the same bytes; a partial event waits for its end (up to MAX_HELD_EVENT).
 */
export class SseRelay {
  usage: Usage | null = null;
  /** events seen: about one generated token each, the estimate when the upstream reports no usage */
  events = 0;
  /** the pieces of an event whose end has not arrived yet, kept as they came (joined once, when it ends) */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** bytes of `carry` already scanned, and whether they mention usage */
  private scanned = 0;
  private usageInCarry = false;
  /** the current event outgrew MAX_HELD_EVENT: its bytes pass as they come, uninspected, until it ends */
  private oversized = false;
  /** the last two bytes passed while oversized, to find an event's end cut between reads */
  private last1 = -1;
  private last2 = -1;

  constructor(
    private readonly dropUsageChunk: boolean,
    private readonly maxHeld = MAX_HELD_EVENT,
  ) {}

  /** The complete events to forward now (null when none is complete yet). */
  push(chunk: Buffer): Buffer | null {
    if (this.oversized) return this.passOversized(chunk);
    if (this.carryBytes && !this.endsEvent(chunk)) {
      // still the same event: keep the piece, copy nothing (a long event used to be re-copied at every read)
      this.carry.push(chunk);
      this.carryBytes += chunk.length;
      return this.carryBytes > this.maxHeld ? this.release() : null;
    }
    const b = this.carryBytes ? Buffer.concat([...this.carry, chunk], this.carryBytes + chunk.length) : chunk;
    let usageHere = this.usageInCarry;
    // a key cut by the previous chunk's end is found again; an event's end is found looking back, so never twice
    const from = this.carryBytes ? Math.max(0, this.scanned - (USAGE_KEY.length - 1)) : 0;
    let eventStart = 0;
    let kept: Buffer[] | null = null;
    let keptFrom = 0;
    // line feeds and the usage key found by Buffer.indexOf (memchr / memmem), not byte by byte in JS
    let usageAt = b.indexOf(USAGE_KEY, from);
    for (let i = b.indexOf(LF, from); i !== -1; i = b.indexOf(LF, i + 1)) {
      if (!(i > 0 && (b[i - 1] === LF || (b[i - 1] === CR && i > 1 && b[i - 2] === LF)))) continue;
      const eventEnd = i + 1;
      this.events++;
      if (usageAt !== -1 && usageAt < eventEnd) {
        usageHere = true;
        usageAt = b.indexOf(USAGE_KEY, eventEnd);
      }
      if (usageHere && this.readUsage(b.toString("utf8", eventStart, eventEnd))) {
        (kept ??= []).push(b.subarray(keptFrom, eventStart)); // the injected usage chunk: dropped
        keptFrom = eventEnd;
      }
      usageHere = false;
      eventStart = eventEnd;
    }
    if (usageAt !== -1) usageHere = true; // in the event still open
    // (the common case, a read that ends with an event, allocates nothing here)
    if (eventStart < b.length) this.carry = [b.subarray(eventStart)];
    else if (this.carry.length) this.carry = [];
    this.carryBytes = b.length - eventStart;
    this.scanned = this.carryBytes;
    this.usageInCarry = usageHere;
    let out: Buffer | null;
    if (eventStart === 0) out = null;
    else if (!kept) out = eventStart === b.length ? b : b.subarray(0, eventStart);
    else {
      kept.push(b.subarray(keptFrom, eventStart));
      out = Buffer.concat(kept);
    }
    return this.carryBytes > this.maxHeld ? join(out, this.release()) : out;
  }

  /** Whatever is left when the stream ends (an event without its blank line). */
  flush(): Buffer | null {
    const rest = this.carryBytes ? Buffer.concat(this.carry, this.carryBytes) : null;
    this.carry = [];
    this.carryBytes = 0;
    this.scanned = 0;
    this.usageInCarry = false;
    this.oversized = false;
    return rest;
  }

  /** Whether an event ends in `chunk`, which continues the held event. */
  private endsEvent(chunk: Buffer): boolean {
    return this.eventEnd(chunk, (k) => this.heldByte(k)) !== -1;
  }

  /** Where the first event ending in `chunk` ends (after its blank line), or -1; `before(k)` is the k-th byte before it. */
  private eventEnd(chunk: Buffer, before: (k: number) => number): number {
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, i + 1)) {
      const p1 = i >= 1 ? chunk[i - 1] : before(1);
      if (p1 === LF || (p1 === CR && (i >= 2 ? chunk[i - 2] : before(2 - i)) === LF)) return i + 1;
    }
    return -1;
  }

  /** The k-th byte from the end of the held event (1 = the last), or -1. */
  private heldByte(k: number): number {
    for (let j = this.carry.length - 1; j >= 0; j--) {
      const piece = this.carry[j];
      if (k <= piece.length) return piece[piece.length - k];
      k -= piece.length;
    }
    return -1;
  }

  /** The held event is too large to hold: it leaves now, and the rest of it as it comes. */
  private release(): Buffer {
    const out = Buffer.concat(this.carry, this.carryBytes);
    this.carry = [];
    this.carryBytes = 0;
    this.scanned = 0;
    this.usageInCarry = false;
    this.oversized = true;
    this.remember(out);
    return out;
  }

  private passOversized(chunk: Buffer): Buffer {
    const end = this.eventEnd(chunk, (k) => (k === 1 ? this.last1 : this.last2));
    if (end === -1) {
      this.remember(chunk);
      return chunk;
    }
    this.oversized = false;
    this.events++;
    if (end === chunk.length) return chunk;
    return join(chunk.subarray(0, end), this.push(chunk.subarray(end)))!;
  }

  private remember(b: Buffer): void {
    if (b.length >= 2) {
      this.last2 = b[b.length - 2];
      this.last1 = b[b.length - 1];
    } else if (b.length === 1) {
      this.last2 = this.last1;
      this.last1 = b[0];
    }
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
