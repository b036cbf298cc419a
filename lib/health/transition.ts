import type { EndpointStatus } from "../db/constants";

export type CheckOutcome = "success" | "unreachable" | "bad_answer";

export interface StatusState {
  status: EndpointStatus;
  consecutiveFailures: number;
}

/**
 * The endpoint status machine, driven by health-check outcomes. Pure.
 * - success → online
 * - from pending: unreachable → offline, bad answer → error
 * - from online: the first failure → error
 * - from error: a second consecutive unreachable → offline; a bad answer keeps it error
 * - from offline: unreachable stays offline; a bad answer (it answers again, badly) → error
 */
export function nextStatus(current: StatusState, outcome: CheckOutcome): StatusState {
  if (outcome === "success") return { status: "online", consecutiveFailures: 0 };
  const failures = current.consecutiveFailures + 1;
  if (outcome === "bad_answer") return { status: "error", consecutiveFailures: failures };
  switch (current.status) {
    case "pending":
      return { status: "offline", consecutiveFailures: failures };
    case "online":
      return { status: "error", consecutiveFailures: failures };
    case "error":
      return { status: current.consecutiveFailures >= 1 ? "offline" : "error", consecutiveFailures: failures };
    case "offline":
      return { status: "offline", consecutiveFailures: failures };
  }
}

/** A live request failed (connect, timeout, 5xx): the endpoint leaves routing at once. */
export function passiveFailure(current: StatusState): StatusState {
  return {
    status: current.status === "offline" ? "offline" : "error",
    consecutiveFailures: current.consecutiveFailures + 1,
  };
}
