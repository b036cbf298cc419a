// SSE keep-alive for `stream: true` requests: while the client has received nothing for a while —
// before the first token (a cold load, a long prefill, reasoning) and in gaps — the response is committed as
// `200 text/event-stream` and a keep-alive is written: a `: keep-alive` comment (OpenAI streams), or the
// translation's own event (Anthropic's `ping`). One mechanism per exchange, so failover stays possible while
// only keep-alives went out (lib/proxy/exchange.ts); an error after that is an SSE error event (./handler.ts).
import type { ServerResponse } from "node:http";
import { settledHead } from "./headers";

export const SSE_COMMENT = Buffer.from(": keep-alive\n\n");

const tick = (k: KeepAlive) => k.tick();

export class KeepAlive {
  /** something reached the client since the last tick */
  private wrote = false;
  /** the response was committed by a keep-alive (headers sent with no upstream's answer yet) */
  committed = false;
  private timer: NodeJS.Timeout | null;

  constructor(
    private readonly res: ServerResponse,
    intervalMs: number,
    private readonly bytes: Buffer,
    private readonly requestId: string,
  ) {
    this.timer = setInterval(tick, intervalMs, this);
    this.timer.unref();
  }

  /** Writes a keep-alive when nothing reached the client since the last tick (committing the response first). */
  tick(): void {
    const { res } = this;
    if (res.destroyed || res.writableEnded) return this.stop();
    if (!this.wrote) {
      if (!res.headersSent) {
        settledHead(
          res.writeHead(200, [
            "x-request-id",
            this.requestId,
            "content-type",
            "text/event-stream",
            "cache-control",
            "no-cache",
            "x-accel-buffering",
            "no",
          ]),
        );
        this.committed = true;
      }
      res.write(this.bytes);
    }
    this.wrote = false;
  }

  /** The client got bytes: no keep-alive is due before the next tick. */
  touch(): void {
    this.wrote = true;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
