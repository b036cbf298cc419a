// Node runs no garbage collection while a process is idle: after a burst of traffic the young generation stays at
// the size the load grew it to, and the garbage of the last requests stays until the next allocation. The RSS at
// idle is then the RSS under load. One full collection in each thread, once traffic has stopped, gives it back
// (measured in docs/benchmarks.md, "Memory").
import v8 from "node:v8";
import vm from "node:vm";

/** How long the /v1 thread sees no request finish before it collects (and asks the control thread to). */
export const IDLE_TRIM_MS = 5_000;

let collect: (() => void) | null = null;

/** A full garbage collection of this thread's heap (V8's `gc`, made reachable once without --expose-gc). */
export function collectGarbage(): void {
  if (!collect) {
    v8.setFlagsFromString("--expose-gc");
    collect = vm.runInNewContext("gc") as () => void;
    v8.setFlagsFromString("--no-expose-gc");
  }
  collect();
  // V8 shrinks the young generation only when it sees a low allocation rate, which it samples at collections:
  // the first one still sees the load's; a second, a moment later, sees none
  setTimeout(() => collect?.(), 500).unref();
}

/** What the idle trim remembers between its checks: the finished-request count last seen and at the last trim. */
export interface TrimState {
  seen: number;
  trimmedAt: number;
}

/**
 * One check: trim when requests finished since the last trim but none since the previous check, and nothing is in
 * flight. Updates `state`; true when the caller should trim now.
 */
export function idleCheck(state: TrimState, finished: number, inflight: number): boolean {
  if (finished !== state.seen) {
    state.seen = finished;
    return false;
  }
  if (finished === state.trimmedAt || inflight > 0) return false;
  state.trimmedAt = finished;
  return true;
}

/**
 * Calls `trim` once after traffic stops (`idleCheck` every `idleMs`): nothing is added to the request path but the
 * count of finished requests it already keeps.
 */
export function startIdleTrim(
  finished: () => number,
  inflight: () => number,
  trim: () => void,
  idleMs = IDLE_TRIM_MS,
): { stop(): void } {
  const state: TrimState = { seen: finished(), trimmedAt: finished() };
  const timer = setInterval(() => {
    if (idleCheck(state, finished(), inflight())) trim();
  }, idleMs).unref();
  return { stop: () => clearInterval(timer) };
}
