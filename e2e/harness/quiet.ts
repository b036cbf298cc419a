import type { TestServer } from "./server";
import { snapshot } from "./db-snapshot";

/** Waits until the registry tables stop changing (first health checks, syncs, accounting flushes have landed). */
export async function quiet(s: TestServer, { stableMs = 600, timeoutMs = 15_000 } = {}): Promise<string> {
  const db = s.db();
  const deadline = Date.now() + timeoutMs;
  let prev = await snapshot(db);
  let since = Date.now();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 150));
    const next = await snapshot(db);
    if (next !== prev) {
      prev = next;
      since = Date.now();
    } else if (Date.now() - since >= stableMs) return next;
  }
  throw new Error("the registry did not settle");
}
