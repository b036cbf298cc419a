// One pass over a streamed chat completion chunk's JSON, in bytes: what ./stream-trace.ts reads of the common chunk
// without JSON.parse, or UNSURE when JSON.parse (readEvents in ./resume.ts) must read it.
export const LF = 0x0a;
export const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const ZERO = 0x30;
export const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
export const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === LF || c === CR || c === 0x0b || c === 0x0c;

const NULL = Buffer.from("null");

/** Whether `b` holds `word` at `at` (within `end`). */
export function holds(b: Buffer, at: number, end: number, word: Buffer): boolean {
  if (at + word.length > end) return false;
  for (let k = 0; k < word.length; k++) if (b[at + k] !== word[k]) return false;
  return true;
}

/** Whether the key `b[from, to)` is `word`. */
const keyIs = (b: Buffer, from: number, to: number, word: Buffer) =>
  from >= 0 && to - from === word.length && holds(b, from, to, word);

/** The keys readEvents reads. */
const KEYS = [
  "content",
  "reasoning_content",
  "reasoning",
  "tool_calls",
  "function_call",
  "index",
  "finish_reason",
  "delta",
  "choices",
  "id",
  "model",
] as const;
const K = Object.fromEntries(KEYS.map((k) => [k, Buffer.from(k)])) as Record<(typeof KEYS)[number], Buffer>;

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
export const UNSURE = -2;

/**
 * One pass over a chunk's JSON (a `data:` line's value), reading what readEvents reads when it is the common
 * chunk: choice 0 (or no index), `finish_reason` null, no reasoning, tool or function call, at most one
 * `content` string, no key readEvents reads given twice. `run` returns where that content's bytes start (`end`
 * where they end) or -1 when there is none, with `id`/`model` ranges found while asked for; or UNSURE for
 * anything else. The structure is checked (one object, keys in objects, brackets matched, strings closed) and the
 * content string is one JSON.parse takes; the spelling of numbers and literals and the commas are not.
 */
export class ChunkScan {
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
        if (keyIs(b, key, keyEnd, K.content)) {
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
          keyIs(b, key, keyEnd, K.reasoning_content) ||
          keyIs(b, key, keyEnd, K.reasoning) ||
          keyIs(b, key, keyEnd, K.tool_calls) ||
          keyIs(b, key, keyEnd, K.function_call)
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
        if (keyIs(b, key, keyEnd, K.index)) {
          const n = b[i + 1];
          // 0 and nothing more of a number (0.5, 01, 0e1 are JSON.parse's business)
          if (c !== ZERO || (n >= ZERO && n <= 0x39) || n === 0x2e || n === 0x65 || n === 0x45) return UNSURE;
        } else if (keyIs(b, key, keyEnd, K.finish_reason)) {
          if (!holds(b, i, to, NULL)) return UNSURE;
        } else if (keyIs(b, key, keyEnd, K.delta)) {
          if (delta) return UNSURE;
          delta = true;
          enter = DELTA;
        }
      } else if (place === TOP) {
        if (keyIs(b, key, keyEnd, K.choices)) {
          if (choices) return UNSURE;
          choices = true;
          enter = CHOICES;
        } else if (wantId && c === QUOTE && keyIs(b, key, keyEnd, K.id)) {
          if (this.id !== -1) return UNSURE;
          this.id = i;
          this.idEnd = closeOf(b, i, to) + 1;
        } else if (wantModel && c === QUOTE && keyIs(b, key, keyEnd, K.model)) {
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
