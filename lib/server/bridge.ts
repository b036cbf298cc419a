import type { InValue } from "@libsql/client";
import { runtime, slot, type RuntimeEvents } from "../runtime";

/** The events both threads must see: each thread re-emits the other's on its own bus. */
const BRIDGED = ["registry-changed", "credentials-changed", "check-now"] as const satisfies ReadonlyArray<keyof RuntimeEvents>;
type Bridged = (typeof BRIDGED)[number];

/** What the control thread reports to /metrics on the main thread at each scrape. */
export interface ControlTelemetry {
  /** event-loop delay of the control thread since the previous scrape, in nanoseconds */
  lag: { p50: number; p99: number; max: number };
  /** V8 heap of the control thread, in bytes */
  heap: { used: number; total: number };
  healthChecks: { counts: number[]; sum: number; count: number };
}

export type ThreadMessage =
  | { t: "event"; name: Bridged; args: unknown[] }
  | { t: "ready" }
  | { t: "stop" }
  | { t: "stopped" }
  | { t: "telemetry?"; id: number }
  | { t: "telemetry"; id: number; data: ControlTelemetry }
  /** a batch of request-log rows for the control thread to write (lib/observability/request-log.ts) */
  | { t: "request-log"; args: InValue[]; rows: number };

export interface Port {
  postMessage(message: ThreadMessage): void;
  on(event: "message", listener: (message: ThreadMessage) => void): unknown;
}

/**
 * Forwards this thread's bridged events to the other thread and re-emits the other's here. An event that
 * arrived from the other side is not sent back.
 */
export function bridgeEvents(port: Port): void {
  const events = runtime().events;
  let relaying = false;
  for (const name of BRIDGED) {
    events.on(name, (...args: unknown[]) => {
      if (!relaying) port.postMessage({ t: "event", name, args });
    });
  }
  port.on("message", (m) => {
    if (m.t !== "event" || !BRIDGED.includes(m.name)) return;
    relaying = true;
    try {
      (events.emit as (name: Bridged, ...args: unknown[]) => boolean)(m.name, ...m.args);
    } finally {
      relaying = false;
    }
  });
}

/** Where the main thread's /metrics gets the control thread's telemetry (unset when both run in one thread). */
export const controlTelemetry = () => slot("controlTelemetry", () => ({ source: null as null | (() => Promise<ControlTelemetry | null>) }));
