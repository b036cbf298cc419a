/**
 * Wraps an async job so that it never runs twice at once: a call made while it runs is folded into one more
 * run right after, and every caller's promise settles when the data it asked for has been loaded.
 *
 * With `gapMs`, that next run waits until `gapMs` after the last one ended: a burst of changes (1,000
 * registrations) then costs a few runs a second instead of back-to-back runs that never yield the event loop.
 */
export function coalesced(job: () => Promise<void>, { gapMs = 0 } = {}): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await job();
        if (again && gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      } while (again);
    })().finally(() => (running = null));
    return running;
  };
}
