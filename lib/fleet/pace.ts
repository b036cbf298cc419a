// When the telemetry poller reads what (pure, unit-tested): reads spread evenly over the interval instead of all
// at its start, the interval stretched when the fleet would need more reads per second than the budget allows,
// and what a reading changed since the last one (only changes cross to the /v1 thread in full).
import type { EndpointType } from "../db/constants";
import type { EngineModel, EngineTelemetry } from "./telemetry";

/** HTTP requests one reading costs the engine (./read.ts): vLLM two, llama.cpp three, the others one. */
export function requestsPerReading(type: EndpointType): number {
  return type === "llamacpp" ? 3 : type === "vllm" ? 2 : 1;
}

/**
 * The interval each endpoint is read at: the configured one, stretched so that a whole round stays within
 * `budgetPerSec` requests per second (0: no budget). 1,000 Ollama endpoints at 2 s are 500 requests/s.
 */
export function effectiveIntervalMs(intervalMs: number, requestsPerRound: number, budgetPerSec: number): number {
  if (budgetPerSec <= 0) return intervalMs;
  return Math.max(intervalMs, Math.ceil((requestsPerRound * 1000) / budgetPerSec));
}

/**
 * How many of a round's `count` targets are due `elapsedMs` into it: target i is due at i × interval / count, so
 * reads start at an even rate (never a burst of the whole fleet at the interval's start).
 */
export function dueCount(elapsedMs: number, intervalMs: number, count: number): number {
  if (elapsedMs < 0) return 0;
  return Math.min(count, Math.floor((elapsedMs * count) / intervalMs) + 1);
}

const sameModel = (a: EngineModel, b: EngineModel) =>
  a.id === b.id &&
  a.loaded === b.loaded &&
  a.contextLength === b.contextLength &&
  a.maxContextLength === b.maxContextLength &&
  a.vramBytes === b.vramBytes &&
  a.expiresAt === b.expiresAt;

/** Whether two readings say the same thing (their time aside). */
export function sameReading(a: EngineTelemetry | undefined, b: EngineTelemetry): boolean {
  if (!a) return false;
  if (
    a.running !== b.running ||
    a.waiting !== b.waiting ||
    a.slots !== b.slots ||
    a.busySlots !== b.busySlots ||
    a.kvCacheUsage !== b.kvCacheUsage ||
    a.models.length !== b.models.length
  )
    return false;
  for (let i = 0; i < a.models.length; i++) if (!sameModel(a.models[i], b.models[i])) return false;
  return true;
}
