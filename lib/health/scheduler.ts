import "server-only";
import cron, { type ScheduledTask } from "node-cron";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { endpoints, type EndpointRow } from "../db/schema";
import { runtime } from "../runtime";
import { log } from "../observability/logger";
import { runHealthCheck } from "./check";
import { backgroundSyncsSettled } from "../endpoints/background-sync";
import { pickDue, startBudget } from "./due";
import { coalesced } from "../coalesce";

export const MAX_CONCURRENT_PROBES = 32;
/**
 * Ticks come once a second, so an endpoint is taken at the tick nearest its due time (up to half a tick early);
 * otherwise a check due a few ms after a tick waits for the next one and each interval stretches by up to 1 s.
 */
const DUE_SLACK_MS = 500;
/** A tick's due checks start spread over this much of the second. */
const SPREAD_MS = 900;

/**
 * Checks each endpoint on its own interval. A cron tick every second picks the due ones; at most 32 probes
 * run at once and each is bounded by the probe timeout, so a hung endpoint never delays the others.
 * Scheduled work runs only on the lease holder (one instance of a cluster checks each endpoint), explicit "check
 * now" requests included.
 */
/**
 * What the scheduler keeps per endpoint between reloads. Each check reads its full row fresh, so a reload (run on
 * every registry change) selects only these columns: about 3x cheaper than whole rows at 1,000 endpoints, and the
 * synchronous embedded driver blocks the event loop for the whole read.
 */
const SCHEDULED = {
  id: endpoints.id,
  healthCheckIntervalSecs: endpoints.healthCheckIntervalSecs,
  baseUrl: endpoints.baseUrl,
  apiKey: endpoints.apiKey,
  status: endpoints.status,
};
type Scheduled = Pick<EndpointRow, keyof typeof SCHEDULED>;

/** A change another part of the system made that should not wait for the next interval. */
const needsRecheck = (before: Scheduled, now: Scheduled) =>
  before.baseUrl !== now.baseUrl ||
  before.apiKey !== now.apiKey ||
  (before.status !== now.status && (now.status === "error" || now.status === "pending"));

export class HealthScheduler {
  private rows = new Map<string, Scheduled>();
  private nextDue = new Map<string, number>();
  private running = new Set<string>();
  /** due time of checks picked by a tick and waiting for their spread start */
  private planned = new Map<string, number>();
  private spreading = 0;
  /** when each running check started: a "check now" asked before that is already served by it */
  private startedAt = new Map<string, number>();
  private urgent: string[] = [];
  /** "check now" asked while a check of the same endpoint was running: run another one when it ends */
  private recheck = new Set<string>();
  private task: ScheduledTask | null = null;
  /** scheduled starts allowed per second (startBudget), set on each reload */
  private budget = MAX_CONCURRENT_PROBES;
  /** scheduled starts in the current second, against the budget */
  private second = { at: 0, starts: 0 };
  private onRegistry = () => void this.reload();
  /** explicit "check now" (new endpoint, passive failure) runs on the lease holder only: one instance checks */
  private onCheckNow = (id: string) => void (this.isLeader() && this.checkNow(id));

  constructor(
    private readonly db: Db,
    private readonly isLeader: () => boolean = () => runtime().leader,
  ) {}

  async start(): Promise<void> {
    await this.reload(); // every endpoint is due at once: all are checked at start-up
    runtime().events.on("registry-changed", this.onRegistry);
    runtime().events.on("check-now", this.onCheckNow);
    this.task = cron.schedule("* * * * * *", () => this.tick(), { noOverlap: true, name: "health-checks" });
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
    runtime().events.off("registry-changed", this.onRegistry);
    runtime().events.off("check-now", this.onCheckNow);
    while (this.running.size) await new Promise((r) => setTimeout(r, 20));
    await backgroundSyncsSettled();
  }

  /** Re-reads the registry; new endpoints are due now, removed ones are forgotten. Bursts fold into one run (≤ 5/s). */
  reload = coalesced(
    async () => {
      const rows: Scheduled[] = await this.db.select(SCHEDULED).from(endpoints);
      const seen = new Set<string>();
      for (const row of rows) {
        seen.add(row.id);
        const before = this.rows.get(row.id);
        if (!this.running.has(row.id)) this.rows.set(row.id, row);
        // new, re-pointed, or just failed on a live request (possibly on another instance): check it now
        if (!this.nextDue.has(row.id) || (before && !this.running.has(row.id) && needsRecheck(before, row)))
          this.nextDue.set(row.id, Date.now());
      }
      for (const id of [...this.rows.keys()]) if (!seen.has(id)) this.rows.delete(id), this.nextDue.delete(id);
      this.budget = startBudget(
        rows.map((r) => r.healthCheckIntervalSecs),
        MAX_CONCURRENT_PROBES,
      );
    },
    { gapMs: 200 },
  );

  tick(now = Date.now()): void {
    if (this.isLeader()) {
      if (now - this.second.at >= 1000) this.second = { at: now, starts: 0 };
      // Picks keep to the start budget; the probe concurrency is enforced when they start (pump). Picks waiting
      // for a start or a free slot stay under two seconds' budget, for when hung probes hold every slot.
      const waiting = this.urgent.length + this.spreading;
      const due = pickDue(
        this.nextDue,
        this.running,
        now + DUE_SLACK_MS,
        Math.min(this.budget - this.second.starts, 2 * this.budget - waiting),
      );
      this.second.starts += due.length;
      // Starting every due check at the same instant makes their answers (and their database writes) land
      // together and stall the event loop: spread the starts over the second, each keeping its due time.
      due.forEach((id, i) => {
        this.planned.set(id, Math.max(this.nextDue.get(id) ?? now, now - 1000));
        this.nextDue.set(id, Infinity);
        this.spreading++;
        setTimeout(
          () => {
            this.spreading--;
            this.urgent.push(id);
            this.pump();
          },
          Math.floor((i * SPREAD_MS) / due.length),
        ).unref();
      });
    }
    this.pump();
  }

  async checkNow(id: string): Promise<void> {
    const askedAt = Date.now();
    if (!this.rows.has(id)) await this.reload();
    if (!this.rows.has(id)) return;
    // a check that started before the request may have read the row before the change: run one more after it
    if (this.running.has(id)) {
      if ((this.startedAt.get(id) ?? 0) < askedAt) this.recheck.add(id);
    } else if (!this.urgent.includes(id)) this.urgent.unshift(id);
    this.pump();
  }

  /** One check on the row as it is in the database now (a PATCH may just have changed its URL, key or status). */
  private async check(id: string): Promise<EndpointRow | null> {
    const [row] = await this.db.select().from(endpoints).where(eq(endpoints.id, id));
    return row ? runHealthCheck(this.db, row) : null;
  }

  private pump(): void {
    while (this.running.size < MAX_CONCURRENT_PROBES && this.urgent.length) {
      const id = this.urgent.shift()!;
      const row = this.rows.get(id);
      if (!row || this.running.has(id)) continue;
      this.running.add(id);
      const started = Date.now();
      this.startedAt.set(id, started);
      // the next check is due one interval after this one was due (at most a second before it was picked: a
      // burst held back by the start budget stays spread out), so spreading never drifts the schedule
      this.nextDue.set(id, (this.planned.get(id) ?? started) + row.healthCheckIntervalSecs * 1000);
      this.planned.delete(id);
      this.check(id)
        .then((updated) => updated && this.rows.has(id) && this.rows.set(id, updated))
        .catch((err) => log.error("health check failed", { endpoint: id, error: String(err) }))
        .finally(() => {
          this.running.delete(id);
          this.startedAt.delete(id);
          if (this.recheck.delete(id) && this.rows.has(id)) this.urgent.unshift(id);
          // A freed slot takes the next due endpoint now: waiting for the next tick would cap the schedule at
          // 32 checks a second (1,000 endpoints on 30 s need 33.3).
          this.tick();
        });
    }
  }
}
