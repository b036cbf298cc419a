import "server-only";
import type { Db } from "../db/client";
import { runtime, readVersions } from "../runtime";
import { log } from "../observability/logger";
import { acquireLease, releaseLease } from "./lease";

export const SCHEDULER_LEASE = "scheduler";

/**
 * Whether a change counter moved by more than this instance's own changes: then another instance changed
 * something, and what exactly is not known. Any doubt counts as a change (a full reload costs little). Pure.
 */
export const changedElsewhere = (before: string, now: string, own: number) => Number(now) - Number(before) !== own;

/**
 * Keeps this instance in step with the others on one database:
 * - renews (or takes over) the scheduler lease every third of its TTL, setting `runtime().leader`;
 * - polls the change counters and re-emits local events when another instance changed something.
 */
export class Coordinator {
  private timers: NodeJS.Timeout[] = [];
  private versions: Record<string, string> | null = null;

  constructor(
    private readonly db: Db,
    private readonly opts: { leaseTtlMs: number; pollMs: number },
  ) {}

  async start(): Promise<void> {
    await this.renew();
    this.versions = await readVersions(this.db);
    this.timers.push(setInterval(() => void this.renew(), Math.max(500, Math.floor(this.opts.leaseTtlMs / 3))));
    this.timers.push(setInterval(() => void this.poll(), this.opts.pollMs));
    for (const t of this.timers) t.unref();
  }

  async stop(): Promise<void> {
    this.timers.forEach(clearInterval);
    if (runtime().leader) await releaseLease(this.db, SCHEDULER_LEASE, runtime().instanceId).catch(() => undefined);
    runtime().leader = false;
  }

  private async renew(): Promise<void> {
    const rt = runtime();
    try {
      const held = await acquireLease(this.db, SCHEDULER_LEASE, rt.instanceId, this.opts.leaseTtlMs);
      if (held !== rt.leader)
        log.info(held ? "took the scheduler lease" : "lost the scheduler lease", { instance: rt.instanceId });
      rt.leader = held;
    } catch (err) {
      rt.leader = false;
      log.warn("lease renewal failed", { error: String(err) });
    }
  }

  private async poll(): Promise<void> {
    try {
      const now = await readVersions(this.db);
      const before = this.versions;
      this.versions = now;
      const own = runtime().ownChanges;
      runtime().ownChanges = { registry: 0, credentials: 0 };
      if (!before) return;
      // this instance's own changes were announced when made (the registry ones naming their endpoint)
      if (changedElsewhere(before.registry, now.registry, own.registry)) runtime().events.emit("registry-changed");
      if (changedElsewhere(before.credentials, now.credentials, own.credentials))
        runtime().events.emit("credentials-changed");
    } catch (err) {
      log.warn("change poll failed", { error: String(err) });
    }
  }
}
