/**
 * Wraps an async job so that it never runs twice at once: a call made while it runs is folded into one more
 * run right after, and every caller's promise settles when the data it asked for has been loaded.
 */
export function coalesced(job: () => Promise<void>): () => Promise<void> {
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
      } while (again);
    })().finally(() => (running = null));
    return running;
  };
}
