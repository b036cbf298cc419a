// What a resumable stream's client got so far, read as the stream goes (./resume.ts decides what can be resumed).
// Every relayed chunk passes here while a resume is possible, so the common event — one content delta of choice 0
// — is read from its bytes in one pass without JSON.parse or a string per event: its text is kept as it came (JSON
// string bytes, escapes and all) and decoded once, when a resume happens. An event the pass cannot vouch for
// falls back to readEvents (JSON.parse), so what is read is exactly readSoFar's.
import { MAX_KEPT_BYTES, type StreamSoFar, readEvents } from "./resume";

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const ZERO = 0x30;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === LF || c === CR || c === 0x0b || c === 0x0c;

const DATA = Buffer.from("data:");
const DONE = Buffer.from("[DONE]");
const NULL = Buffer.from("null");
const LF_LF = Buffer.from("\n\n");
const LF_CR_LF = Buffer.from("\n\r\n");

/** Where the last complete event among the first `used` bytes of `b` ends (after its blank line), or 0. */
function lastEventEnd(b: Buffer, used: number): number {
  if (used < 2) return 0;
  // the common case, a piece that ends with its event, without a search
  if (b[used - 1] === LF && (b[used - 2] === LF || (b[used - 2] === CR && used >= 3 && b[used - 3] === LF)))
    return used;
  const lf = b.lastIndexOf(LF_LF, used - 2);
  const crlf = used >= 3 ? b.lastIndexOf(LF_CR_LF, used - 3) : -1;
  return Math.max(lf === -1 ? 0 : lf + 2, crlf === -1 ? 0 : crlf + 3);
}

/** Whether `b` holds `word` at `at` (within `end`). */
function holds(b: Buffer, at: number, end: number, word: Buffer): boolean {
  if (at + word.length > end) return false;
  for (let k = 0; k < word.length; k++) if (b[at + k] !== word[k]) return false;
  return true;
}

/** Whether the key `b[from, to)` is `word` (ASCII). */
function keyIs(b: Buffer, from: number, to: number, word: string): boolean {
  if (to - from !== word.length || from < 0) return false;
  for (let k = 0; k < word.length; k++) if (b[from + k] !== word.charCodeAt(k)) return false;
  return true;
}

// Where the scan is in an event's JSON: only the places readEvents reads are told apart.
/** the top object */
const TOP = 0;
/** its `choices` array */
const CHOICES = 1;
/** one of the objects in `choices` */
const CHOICE = 2;
/** that choice's `delta` object */
const DELTA = 3;
/** any other object, or array */
const OBJECT = 4;
const ARRAY = 5;
const MAX_DEPTH = 64;

/** A data line the scan cannot vouch for: readEvents reads it. */
const UNSURE = -2;

/**
 * One pass over a chunk's JSON (a `data:` line's value), reading what readEvents reads when it is the common
 * chunk: choice 0 (or no index), `finish_reason` null, no reasoning, tool or function call, at most one
 * `content` string, no key readEvents reads given twice. `run` returns where that content's bytes start (`end`
 * where they end) or -1 when there is none, with `id`/`model` ranges found while asked for; or UNSURE for
 * anything else. The structure is checked (one object, keys in objects, brackets matched, strings closed) and the
 * content string is one JSON.parse takes; the spelling of numbers and literals and the commas are not.
 */
class ChunkScan {
  end = 0;
  id = -1;
  idEnd = 0;
  model = -1;
  modelEnd = 0;
  private readonly stack = new Uint8Array(MAX_DEPTH);

  run(b: Buffer, from: number, to: number, wantId: boolean, wantModel: boolean): number {
    const stack = this.stack;
    this.id = -1;
    this.model = -1;
    let content = -1;
    let contentKey = false;
    let choices = false;
    let delta = false;
    stack[0] = TOP;
    let depth = 1;
    let i = from + 1; // b[from] is the top object's brace
    for (;;) {
      while (i < to && (isSpace(b[i]) || b[i] === COMMA)) i++;
      if (i >= to) return UNSURE; // never closed
      const place = stack[depth - 1];
      const inArray = place === ARRAY || place === CHOICES;
      let c = b[i];
      if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if ((c === CLOSE_ARRAY) !== inArray) return UNSURE;
        i++;
        if (--depth) continue;
        while (i < to && isSpace(b[i])) i++;
        return i === to ? content : UNSURE; // one object, nothing after it
      }
      let key = -1;
      let keyEnd = -1;
      if (!inArray) {
        if (c !== QUOTE) return UNSURE;
        keyEnd = closeOf(b, i, to);
        // (a key spelled with an escape is JSON.parse's to read)
        if (keyEnd < 0 || (place !== OBJECT && escaped(b, i + 1, keyEnd))) return UNSURE;
        key = i + 1;
        i = keyEnd + 1;
        while (i < to && isSpace(b[i])) i++;
        if (b[i] !== COLON) return UNSURE;
        i++;
        while (i < to && isSpace(b[i])) i++;
        if (i >= to) return UNSURE;
        c = b[i];
      }
      // the value at i (of `key` in an object)
      let enter: number = c === OPEN_OBJECT ? OBJECT : ARRAY;
      if (place === DELTA) {
        if (keyIs(b, key, keyEnd, "content")) {
          if (contentKey) return UNSURE;
          contentKey = true;
          if (c === QUOTE) {
            if (content !== -1) return UNSURE; // a second choice's content
            const s = closeOfText(b, i, to);
            if (s < 0) return UNSURE;
            content = i + 1;
            this.end = s;
            i = s + 1;
            continue;
          }
        } else if (
          keyIs(b, key, keyEnd, "reasoning_content") ||
          keyIs(b, key, keyEnd, "reasoning") ||
          keyIs(b, key, keyEnd, "tool_calls") ||
          keyIs(b, key, keyEnd, "function_call")
        ) {
          // only an absent value (null, or an empty list) is vouched for
          if (c === OPEN_ARRAY) {
            let k = i + 1;
            while (k < to && isSpace(b[k])) k++;
            if (b[k] !== CLOSE_ARRAY) return UNSURE;
            i = k + 1;
            continue;
          }
          if (!holds(b, i, to, NULL)) return UNSURE;
        }
      } else if (place === CHOICE) {
        if (keyIs(b, key, keyEnd, "index")) {
          const n = b[i + 1];
          // 0 and nothing more of a number (0.5, 01, 0e1 are JSON.parse's business)
          if (c !== ZERO || (n >= ZERO && n <= 0x39) || n === 0x2e || n === 0x65 || n === 0x45) return UNSURE;
        } else if (keyIs(b, key, keyEnd, "finish_reason")) {
          if (!holds(b, i, to, NULL)) return UNSURE;
        } else if (keyIs(b, key, keyEnd, "delta")) {
          if (delta) return UNSURE;
          delta = true;
          enter = DELTA;
        }
      } else if (place === TOP) {
        if (keyIs(b, key, keyEnd, "choices")) {
          if (choices) return UNSURE;
          choices = true;
          enter = CHOICES;
        } else if (wantId && c === QUOTE && keyIs(b, key, keyEnd, "id")) {
          if (this.id !== -1) return UNSURE;
          this.id = i;
          this.idEnd = closeOf(b, i, to) + 1;
        } else if (wantModel && c === QUOTE && keyIs(b, key, keyEnd, "model")) {
          if (this.model !== -1) return UNSURE;
          this.model = i;
          this.modelEnd = closeOf(b, i, to) + 1;
        }
      } else if (place === CHOICES) enter = CHOICE;
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (depth === MAX_DEPTH) return UNSURE;
        if (c === OPEN_ARRAY ? enter !== ARRAY && enter !== CHOICES : enter === ARRAY || enter === CHOICES)
          enter = c === OPEN_OBJECT ? OBJECT : ARRAY; // not the shape readEvents reads: any other container
        if (enter === CHOICE) {
          delta = false;
          contentKey = false;
        }
        if (enter === DELTA) contentKey = false;
        stack[depth++] = enter;
        i++;
        continue;
      }
      if (c === QUOTE) {
        i = closeOf(b, i, to);
        if (i < 0) return UNSURE;
        i++;
        continue;
      }
      // a number or literal: to the next delimiter
      for (; i < to; i++) {
        const x = b[i];
        if (x === COMMA || x === CLOSE_OBJECT || x === CLOSE_ARRAY || isSpace(x)) break;
        if (x === QUOTE || x === OPEN_OBJECT || x === OPEN_ARRAY || x === COLON) return UNSURE;
      }
    }
  }
}

const ESCAPED = new Uint8Array(128);
for (const c of '"\\/bfnrtu') ESCAPED[c.charCodeAt(0)] = 1;
const isHex = (x: number) => (x >= 0x30 && x <= 0x39) || ((x | 0x20) >= 0x61 && (x | 0x20) <= 0x66);

/**
 * closeOf for a string whose bytes are kept to be decoded later: -1 too when JSON.parse would refuse it (a control
 * character, an unknown escape), so that what is kept always decodes.
 */
function closeOfText(b: Buffer, at: number, to: number): number {
  for (let i = at + 1; i < to; i++) {
    const x = b[i];
    if (x === QUOTE) return i;
    if (x < 0x20) return -1;
    if (x !== BACKSLASH) continue;
    const e = b[++i];
    if (e >= 128 || !ESCAPED[e]) return -1;
    if (e === 0x75 && !(isHex(b[i + 1]) && isHex(b[i + 2]) && isHex(b[i + 3]) && isHex(b[i + 4]))) return -1;
  }
  return -1;
}

/** Whether `b[from, to)` holds a backslash. */
function escaped(b: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] === BACKSLASH) return true;
  return false;
}

/** Where the string opening at `at` (a quote) closes, or -1 when it does not within `to`. */
function closeOf(b: Buffer, at: number, to: number): number {
  for (let i = at + 1; i < to; i++) {
    const x = b[i];
    if (x === QUOTE) return i;
    if (x === BACKSLASH) i++;
  }
  return -1;
}

/**
 * What a resumable stream's client got so far, read as the stream goes: the complete events of each piece relayed
 * are read at once, and only an event cut between two pieces is held until it ends. A long stream holds its text
 * (a few bytes a token, as its JSON string bytes), not its events (a few hundred bytes each), and nothing else
 * between its chunks; `read()` is readSoFar of everything pushed.
 */
export class StreamTrace {
  /** the bytes relayed so far: past MAX_KEPT_BYTES the stream is not resumed (a continuation's prompt would be huge) */
  bytes = 0;
  private readonly soFar: StreamSoFar = {
    id: null,
    model: null,
    text: "",
    tokens: 0,
    unresumable: false,
    finished: false,
  };
  /** the text so far as the body of a JSON string (decoded by read()) */
  private text: Buffer | null = null;
  private textBytes = 0;
  /** the start of an event whose end has not come yet */
  private buf: Buffer | null = null;
  private used = 0;
  private readonly scan = new ChunkScan();

  /**
   * Takes relayed bytes; false once the stream cannot be resumed any more (grown past MAX_KEPT_BYTES, or finished,
   * or something other than text was generated): then nothing is held any more and the trace can be dropped.
   */
  push(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    if (this.bytes > MAX_KEPT_BYTES) return this.stop();
    if (this.used) {
      this.hold(chunk);
      const end = lastEventEnd(this.buf!, this.used);
      if (end) this.readTo(this.buf!, end);
    } else {
      // the common case: the piece ends with an event, read where it lies, nothing copied or held
      const end = lastEventEnd(chunk, chunk.length);
      if (end) this.readTo(chunk, end);
      if (end < chunk.length) this.hold(chunk.subarray(end));
    }
    return this.soFar.unresumable || this.soFar.finished ? this.stop() : true;
  }

  /** The bytes held unread: an event cut short, or nothing. */
  get held(): number {
    return this.used;
  }

  /** What the client got: the complete events pushed. */
  read(): StreamSoFar {
    const out = { ...this.soFar };
    // each piece was checked to decode (closeOfText) or written by JSON.stringify
    if (this.textBytes) out.text = JSON.parse(`"${this.text!.toString("utf8", 0, this.textBytes)}"`) as string;
    return out;
  }

  private stop(): false {
    this.buf = null;
    this.used = 0;
    this.text = null;
    this.textBytes = 0;
    return false;
  }

  private hold(b: Buffer): void {
    const need = this.used + b.length;
    if (need > (this.buf?.length ?? 0)) {
      const next = Buffer.allocUnsafeSlow(Math.max(256, 2 * need));
      this.buf?.copy(next, 0, 0, this.used);
      this.buf = next;
    }
    b.copy(this.buf!, this.used);
    this.used = need;
  }

  /** Reads the complete events in `b` up to `end`; when `b` is the held buffer, keeps only what follows them. */
  private readTo(b: Buffer, end: number): void {
    for (let at = 0; at < end; ) {
      let eol = b.indexOf(LF, at);
      if (eol === -1 || eol > end) eol = end;
      if (holds(b, at, eol, DATA)) this.readData(b, at, eol);
      at = eol + 1;
    }
    if (b !== this.buf) return;
    if (end === this.used) {
      this.buf = null;
      this.used = 0;
    } else {
      b.copy(b, 0, end, this.used);
      this.used -= end;
    }
  }

  /** One `data:` line, `b[line, to)`. */
  private readData(b: Buffer, line: number, to: number): void {
    let from = line + DATA.length;
    while (from < to && isSpace(b[from])) from++;
    while (to > from && isSpace(b[to - 1])) to--;
    if (to - from === DONE.length && holds(b, from, to, DONE)) {
      this.soFar.finished = true;
      return;
    }
    const c = b[from];
    if (c !== OPEN_OBJECT) {
      // not JSON (readEvents skips it) unless what String.prototype.trim also trims (non-ASCII space) hides a brace
      if (c >= 0x80) this.slow(b, line, to);
      return;
    }
    const { soFar, scan } = this;
    const content = scan.run(b, from, to, soFar.id === null, soFar.model === null);
    if (content === UNSURE) return this.slow(b, line, to);
    if (scan.id !== -1 || scan.model !== -1) {
      try {
        if (scan.id !== -1) soFar.id = JSON.parse(b.toString("utf8", scan.id, scan.idEnd)) as string;
        if (scan.model !== -1) soFar.model = JSON.parse(b.toString("utf8", scan.model, scan.modelEnd)) as string;
      } catch {
        return this.slow(b, line, to); // what JSON.parse refuses, it refuses there
      }
    }
    if (content >= 0 && scan.end > content) {
      this.append(b, content, this.scan.end);
      this.soFar.tokens++;
    }
  }

  /** readEvents on one line (`b[from, to)`, from its `data:`): its content, if any, kept as JSON string bytes. */
  private slow(b: Buffer, from: number, to: number): void {
    const before = this.soFar.tokens;
    this.soFar.text = "";
    readEvents(this.soFar, `${b.toString("utf8", from, to)}\n\n`);
    if (this.soFar.tokens === before) return;
    const json = Buffer.from(JSON.stringify(this.soFar.text));
    this.soFar.text = "";
    this.append(json, 1, json.length - 1);
  }

  private append(b: Buffer, from: number, to: number): void {
    const need = this.textBytes + (to - from);
    if (need > (this.text?.length ?? 0)) {
      const next = Buffer.allocUnsafeSlow(Math.max(256, 2 * need));
      this.text?.copy(next, 0, 0, this.textBytes);
      this.text = next;
    }
    const text = this.text!;
    // a token's few bytes are copied here: Buffer#copy costs more than the bytes
    if (to - from < 64) for (let i = from, at = this.textBytes; i < to; i++, at++) text[at] = b[i];
    else b.copy(text, this.textBytes, from, to);
    this.textBytes = need;
  }
}
