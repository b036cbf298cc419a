/** Which endpoints to check now: due, not already being checked, at most `free` of them, most overdue first. Pure. */
export function pickDue(
  nextDue: ReadonlyMap<string, number>,
  running: ReadonlySet<string>,
  now: number,
  free: number,
): string[] {
  if (free <= 0) return [];
  const due: Array<[string, number]> = [];
  for (const [id, at] of nextDue) if (at <= now && !running.has(id)) due.push([id, at]);
  due.sort((a, b) => a[1] - b[1]);
  return due.slice(0, free).map(([id]) => id);
}

/**
 * Scheduled check starts allowed per second: three times the steady rate the intervals need (room to catch up
 * after a burst of registrations), and never under `floor` (the probe concurrency). 1,000 endpoints on 30 s:
 * 100 a second, so 1,000 due at once (start-up) start over ~10 s instead of in one burst that then comes back
 * every interval. Pure.
 */
export function startBudget(intervalsSecs: Iterable<number>, floor: number): number {
  let perSecond = 0;
  for (const s of intervalsSecs) perSecond += 1 / s;
  return Math.max(floor, Math.ceil(3 * perSecond - 1e-9)); // 1,000 × 1/30 sums to 33.33…4 in floating point
}
