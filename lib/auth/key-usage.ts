// When each API key was last used: noted in memory per request, written in one UPDATE every few seconds, off the
// hot path (the /v1 thread hands its batches to the control thread).
import "server-only";
import { and, inArray, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../db/client";
import { apiKeys } from "../db/schema";

const FLUSH_MS = 5000;

export class KeyUsage {
  private used = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly sink: (ids: string[], at: number) => void) {}

  note(keyId: string): void {
    if (this.used.has(keyId)) return;
    this.used.add(keyId);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.used.size) return;
    const ids = [...this.used];
    this.used.clear();
    this.sink(ids, Date.now());
  }
}

/** Sets `last_used_at` of the keys (never back in time: a late batch from another instance changes nothing). */
export async function markKeysUsed(db: Db, ids: readonly string[], at: number): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    const some = ids.slice(i, i + 500);
    await db
      .update(apiKeys)
      .set({ lastUsedAt: at })
      .where(and(inArray(apiKeys.id, some), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, at))));
  }
}
