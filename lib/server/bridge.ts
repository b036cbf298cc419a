import { runtime, type RuntimeEvents } from "../runtime";
import type { ControlTelemetry } from "../observability/metrics";
import type { ControlWrite } from "../proxy/data-plane";
import type { TelemetryBatch } from "../fleet/poller";

/** The events both threads must see: each thread re-emits the other's on its own bus. */
const BRIDGED = ["registry-changed", "credentials-changed", "check-now"] as const satisfies ReadonlyArray<
  keyof RuntimeEvents
>;
type Bridged = (typeof BRIDGED)[number];

export type { ControlTelemetry };

export type ThreadMessage =
  | { t: "event"; name: Bridged; args: unknown[] }
  | { t: "ready" }
  | { t: "stop" }
  | { t: "stopped" }
  | { t: "telemetry?"; id: number }
  | { t: "telemetry"; id: number; data: ControlTelemetry }
  /** engine telemetry read by the control thread (lib/fleet/poller.ts), for the /v1 thread's endpoint choice */
  | ({ t: "fleet-telemetry" } & TelemetryBatch)
  /** what the main thread asks the control thread to write (it never writes the database itself) */
  | ControlWrite;

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
