import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { chunkFrame, directSocket } from "./chunked";
import type { SseRelay } from "./sse";
import type { KeepAlive } from "./keep-alive";

/** A per-stream stage between the relay and the client: complete upstream events in, the client's bytes out. */
export interface EventTransform {
  push(events: Buffer): Buffer | null;
  /** The upstream ended (`broken`: it failed mid-stream): the stream's last bytes. */
  end(broken: boolean): Buffer | null;
}

/** What a writer stops and restarts when the client reads slower than the upstream writes (the attempt). */
export interface UpstreamFlow {
  pauseUpstream(): void;
  resumeUpstream(): void;
}

/**
 * The writers with something to write at the end of this turn of the event loop, flushed by one setImmediate for
 * all of them: thousands of open streams cost one timer object a turn, not one a chunk.
 */
let due: SseWriter[] = [];
let spare: SseWriter[] = [];

function flushDue(): void {
  const now = due;
  due = spare;
  let error: unknown = null;
  for (let i = 0; i < now.length; i++) {
    try {
      now[i].flush();
    } catch (err) {
      error ??= err; // as uncaught as it was with a timer per writer, once the others are written
    }
  }
  now.length = 0;
  spare = now;
  if (error) throw error;
}

/**
 * Writes a relayed event stream to the client. What the upstream sent within one turn of the event loop (its
 * events often come several to a read, each its own HTTP chunk) goes through the relay once and leaves as one
 * chunk in one write; the headers leave with the first events, or alone at the end of the turn when none came
 * with them (a model still reading its prompt). With a `transform` (another API's event sequence) the relay's
 * complete events pass through it before they leave. Keep-alives in silences are the exchange's (./keep-alive.ts):
 * every write here tells it the client got bytes.
 */
export class SseWriter {
  /** when the first event left for the client (performance.now()), null before */
  firstWriteAt: number | null = null;
  /** what the upstream sent since the last flush: its first piece, and the others when several came in a turn */
  private first: Buffer | null = null;
  private more: Buffer[] | null = null;
  private bytes = 0;
  private scheduled = false;
  private ended = false;
  private headersOut = false;
  /** the client's socket once the response's first bytes left through it: later chunks are framed here (./chunked.ts) */
  private direct: Socket | null = null;

  constructor(
    private readonly res: ServerResponse,
    private readonly relay: SseRelay,
    /** the client reads slower than the upstream writes: stop reading the upstream until the client drains */
    private readonly upstream: UpstreamFlow,
    private readonly transform: EventTransform | null = null,
    private readonly keepAlive: KeepAlive | null = null,
  ) {
    this.schedule();
  }

  /** Takes one piece of the upstream's body, as it came. */
  push(chunk: Buffer): void {
    if (this.first === null) this.first = chunk;
    else (this.more ??= []).push(chunk);
    this.bytes += chunk.length;
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    if (!due.length) setImmediate(flushDue);
    due.push(this);
  }

  /** The complete events among what is pending, through the relay. */
  private take(): Buffer | null {
    if (!this.bytes) return null;
    const more = this.more;
    const data = more?.length ? Buffer.concat([this.first!, ...more], this.bytes) : this.first!;
    if (more) more.length = 0;
    this.first = null;
    this.bytes = 0;
    const events = this.relay.push(data);
    const out = events && this.transform ? this.transform.push(events) : events;
    if (out) this.firstWriteAt ??= performance.now();
    return out;
  }

  flush(): void {
    this.scheduled = false;
    const { res } = this;
    // ended by the exchange (an error event): a byte more would land in the connection's next response
    if (this.ended || res.destroyed || res.writableEnded) return;
    const data = this.take();
    if (!data) {
      if (!this.headersOut) {
        res.flushHeaders();
        this.direct = directSocket(res);
      }
      this.headersOut = true;
      return;
    }
    this.headersOut = true;
    this.keepAlive?.touch();
    const direct = this.direct;
    if (direct ? direct.write(chunkFrame(data)) : this.writeThroughResponse(data)) return;
    this.upstream.pauseUpstream();
    (direct ?? res).once("drain", () => this.upstream.resumeUpstream());
  }

  private writeThroughResponse(data: Buffer): boolean {
    const ok = this.res.write(data);
    this.direct = directSocket(this.res);
    return ok;
  }

  /**
   * Writes the complete events pending and stops, leaving the response open and dropping an event the upstream cut:
   * a continuation (./resume.ts) writes the rest of the stream.
   */
  detach(): void {
    this.ended = true;
    const head = this.take();
    if (head) this.res.write(head);
  }

  /**
   * Writes what is pending, what never ended and the end: `tail`, or the transform's end (`broken`: the upstream
   * failed mid-stream), and ends the response.
   */
  end(tail: string, broken: boolean): void {
    this.ended = true;
    const head = this.take();
    const rest = this.relay.flush();
    const last = this.transform
      ? [rest && this.transform.push(rest), this.transform.end(broken)]
      : [rest, tail ? Buffer.from(tail) : null];
    const parts = [head, ...last].filter((b): b is Buffer => b !== null && b.length > 0);
    if (parts.length) this.res.end(parts.length === 1 ? parts[0] : Buffer.concat(parts));
    else this.res.end();
  }
}
