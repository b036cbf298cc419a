import { EventEmitter } from "node:events";

/**
 * Fires "abort" when the client goes away, for a request waiting in the admission queue (lib/proxy/queue.ts). An
 * EventEmitter costs a fraction of an AbortController; the upstream attempt itself is aborted through undici's
 * controller (lib/proxy/attempt.ts).
 */
export class ClientSignal extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit("abort");
  }
}
