/** Which endpoints to check now: due, not already being checked, at most `free` of them, most overdue first. Pure. */
export function pickDue(nextDue: ReadonlyMap<string, number>, running: ReadonlySet<string>, now: number, free: number): string[] {
  if (free <= 0) return [];
  const due: Array<[string, number]> = [];
  for (const [id, at] of nextDue) if (at <= now && !running.has(id)) due.push([id, at]);
  due.sort((a, b) => a[1] - b[1]);
  return due.slice(0, free).map(([id]) => id);
}
