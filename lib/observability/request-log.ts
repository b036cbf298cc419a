import "server-only";
import type { Db } from "../db/client";
import { requestLog, type NewRequestLogRow } from "../db/schema";
import { slot } from "../runtime";
import { log } from "./logger";

const FLUSH_MS = 250;
const MAX_BATCH = 500;
const MAX_PENDING = 50_000;

/** Request-log rows are queued on the hot path and written in batches off it. */
export class RequestLogWriter {
  private pending: NewRequestLogRow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  dropped = 0;

  constructor(private readonly db: () => Promise<Db>) {}

  add(row: NewRequestLogRow): void {
    if (this.pending.length >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    this.pending.push(row);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.flushing) await this.flushing;
    while (this.pending.length) {
      const batch = this.pending.splice(0, MAX_BATCH);
      this.flushing = (async () => {
        const db = await this.db();
        await db.insert(requestLog).values(batch);
      })().catch((err) => log.error("request log write failed", { error: String(err), rows: batch.length }));
      await this.flushing;
      this.flushing = null;
    }
  }
}

export const requestLogWriter = (db: () => Promise<Db>) => slot("requestLogWriter", () => new RequestLogWriter(db));
