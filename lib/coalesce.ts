/**
 * Wraps an async job so that it never runs twice at once: a call made while it runs is folded into one more
 * run right after, and every caller's promise settles when the data it asked for has been loaded.
 *
 * With `gapMs`, a run starts no sooner than `gapMs` after the previous one ended: a stream of changes (1,000
 * registrations) then costs a few runs a second instead of one run per change, back to back.
 */
export function coalesced(job: () => Promise<void>, { gapMs = 0 } = {}): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  let lastEnd = -Infinity;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        const wait = lastEnd + gapMs - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait)); // calls meanwhile fold into this run
        again = false;
        await job();
        lastEnd = performance.now();
      } while (again);
    })().finally(() => (running = null));
    return running;
  };
}
