// What a resumable stream's client got so far, read as the stream goes (./resume.ts decides what can be resumed).
// Every relayed chunk passes here while a resume is possible, so the common event — one content delta of choice 0
// — is read from its bytes in one pass without JSON.parse or a string per event: its text is kept as it came (JSON
// string bytes, escapes and all) and decoded once, when a resume happens. An event the pass cannot vouch for
// falls back to readEvents (JSON.parse), so what is read is exactly readSoFar's.
import { CR, ChunkScan, LF, OPEN_OBJECT, UNSURE, holds, isSpace } from "./chunk-scan";
import { MAX_KEPT_BYTES, type StreamSoFar, emptySoFar, readEvents } from "./resume";

const DATA = Buffer.from("data:");
const DONE = Buffer.from("[DONE]");
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

/** `b` when it holds `need` bytes, else a buffer twice that size with `b`'s first `used` bytes. */
function room(b: Buffer | null, used: number, need: number): Buffer {
  if (b && need <= b.length) return b;
  const next = Buffer.allocUnsafeSlow(Math.max(256, 2 * need));
  b?.copy(next, 0, 0, used);
  return next;
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
  private readonly soFar: StreamSoFar = emptySoFar();
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
    this.buf = room(this.buf, this.used, need);
    b.copy(this.buf, this.used);
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
    const text = (this.text = room(this.text, this.textBytes, need));
    // a token's few bytes are copied here: Buffer#copy costs more than the bytes
    if (to - from < 64) for (let i = from, at = this.textBytes; i < to; i++, at++) text[at] = b[i];
    else b.copy(text, this.textBytes, from, to);
    this.textBytes = need;
  }
}
