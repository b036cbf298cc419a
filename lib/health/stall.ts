// Wedged engines: live requests that stall (no byte within the endpoint's timeout) while the probes
// pass. Pure: the window and the verdict.

/** Stalls within this window count together. */
export const STALL_WINDOW_MS = 60_000;
/** This many stalls within the window take the endpoint out of routing until a generation probe passes. */
export const STALL_LIMIT = 3;

/**
 * One more stall at `now`: the stall times still within the window (the older ones forgotten), and whether they
 * make the endpoint wedged. Once wedged, the count starts again (`times` empty).
 */
export function recordStall(times: readonly number[], now: number): { times: number[]; wedged: boolean } {
  const recent = times.filter((t) => now - t < STALL_WINDOW_MS);
  recent.push(now);
  return recent.length >= STALL_LIMIT ? { times: [], wedged: true } : { times: recent, wedged: false };
}
