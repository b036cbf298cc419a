import type { ServerResponse } from "node:http";
import type { SseRelay } from "./sse";
import type { KeepAlive } from "./keep-alive";

/** A per-stream stage between the relay and the client: complete upstream events in, the client's bytes out. */
export interface EventTransform {
  push(events: Buffer): Buffer | null;
  /** The upstream ended (`broken`: it failed mid-stream): the stream's last bytes. */
  end(broken: boolean): Buffer | null;
}

const flushWriter = (w: SseWriter) => w.flush();

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
  private pending: Buffer[] = [];
  private bytes = 0;
  private scheduled = false;
  private ended = false;
  private headersOut = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly relay: SseRelay,
    /** the client reads slower than the upstream writes: stop reading the upstream until `resume` */
    private readonly pause: () => void,
    private readonly resume: () => void,
    private readonly transform: EventTransform | null = null,
    private readonly keepAlive: KeepAlive | null = null,
  ) {
    this.schedule();
  }

  /** Takes one piece of the upstream's body, as it came. */
  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.bytes += chunk.length;
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(flushWriter, this);
  }

  /** The complete events among what is pending, through the relay. */
  private take(): Buffer | null {
    if (!this.bytes) return null;
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.bytes);
    this.pending = [];
    this.bytes = 0;
    const events = this.relay.push(data);
    const out = events && this.transform ? this.transform.push(events) : events;
    if (out) this.firstWriteAt ??= performance.now();
    return out;
  }

  flush(): void {
    this.scheduled = false;
    if (this.ended || this.res.destroyed) return;
    const data = this.take();
    if (!data) {
      if (!this.headersOut) this.res.flushHeaders();
      this.headersOut = true;
      return;
    }
    this.headersOut = true;
    this.keepAlive?.touch();
    if (!this.res.write(data)) {
      this.pause();
      this.res.once("drain", this.resume);
    }
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
