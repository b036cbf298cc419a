// Passive outcomes of live traffic, as pure transitions with the clock passed in: a failure puts the
// endpoint in a cooldown that grows fourfold with each failure in a row (1 s, 4 s, 16 s, then 60 s); once it is over the endpoint is probed with a
// small share; the first success starts a 30 s ramp back to a full share.

export interface Health {
  /** failures in a row */
  failures: number;
  /** no traffic before this (ms, the clock's) */
  cooldownUntil: number;
  /** when the endpoint answered again after failing: its share ramps up from here; null when not ramping */
  rampFrom: number | null;
}

export const OUTCOME_RULES = {
  baseCooldownMs: 1000,
  backoffFactor: 4,
  maxCooldownMs: 60_000,
  rampMs: 30_000,
  minShare: 0.05,
  probeWindowMs: 1000,
} as const;

export const HEALTHY: Health = { failures: 0, cooldownUntil: 0, rampFrom: null };

export function afterFailure(h: Health, now: number, rules = OUTCOME_RULES): Health {
  const failures = h.failures + 1;
  return {
    failures,
    cooldownUntil: now + Math.min(rules.maxCooldownMs, rules.baseCooldownMs * rules.backoffFactor ** (failures - 1)),
    rampFrom: null,
  };
}

export function afterSuccess(h: Health, now: number, rules = OUTCOME_RULES): Health {
  if (h.failures > 0) return { failures: 0, cooldownUntil: 0, rampFrom: now };
  if (h.rampFrom !== null && now - h.rampFrom >= rules.rampMs) return HEALTHY;
  return h;
}

/**
 * A request was sent to an endpoint still failing (its cooldown over): one probe at a time — nothing more for
 * `probeWindowMs` or until its outcome arrives, whichever is first (a circuit breaker's half-open state).
 */
export function afterProbe(h: Health, now: number, rules = OUTCOME_RULES): Health {
  return h.failures > 0 ? { ...h, cooldownUntil: Math.max(h.cooldownUntil, now + rules.probeWindowMs) } : h;
}

/** The share of traffic the endpoint may take now, 0–1: 0 in cooldown, a probe's share after it, then the ramp. */
export function shareOf(h: Health, now: number, rules = OUTCOME_RULES): number {
  if (now < h.cooldownUntil) return 0;
  if (h.failures > 0) return rules.minShare;
  if (h.rampFrom === null) return 1;
  return Math.min(1, rules.minShare + ((1 - rules.minShare) * (now - h.rampFrom)) / rules.rampMs);
}
