import type { AppContext } from "../../context.ts";
import { PsaConnectionRepository } from "../../db/psa-connection.repository.ts";
import { repositories } from "../../db/repositories.ts";
import { SyncRunRepository, type SyncScope } from "../../db/sync-run.repository.ts";
import { isAppError } from "../../domain/errors.ts";
import { dueOccurrence } from "./schedule.ts";
import type { SyncService } from "./sync.service.ts";

export interface SchedulerOptions {
  /** How often the scheduler looks for due syncs and stale leases (default 30 s). */
  tickMs?: number;
  /**
   * Called after a scheduled module sync succeeded (posting runs after it when its switch is on:
   * issue 10 item 1). Its errors are logged, never thrown.
   */
  afterModuleSync?: (moduleKey: string) => Promise<unknown>;
  /**
   * Called on every tick after the stale sync runs are closed (closes the posting runs whose
   * process ended: issue 10). Its errors are logged, never thrown.
   */
  onTick?: () => Promise<unknown>;
}

/**
 * Starts each module's and the PSA's sync when its cron schedule (in the instance's time zone)
 * comes due. It only starts what is due, skips a scope that another process started since the
 * occurrence, and catches errors per scope so one bad module never stops the others. Each tick
 * also closes runs whose process stopped (expired leases).
 */
export class SyncScheduler {
  private timer: NodeJS.Timeout | undefined;
  private lastTick: Date;
  private ticking: Promise<unknown> | undefined;
  /** What runs after scheduled syncs (afterModuleSync), awaited by stop() and settled(). */
  private readonly following = new Set<Promise<unknown>>();

  constructor(
    private readonly ctx: AppContext,
    private readonly sync: SyncService,
    private readonly options: SchedulerOptions = {},
  ) {
    this.lastTick = ctx.clock.now();
  }

  start(): void {
    if (this.timer) return;
    this.lastTick = this.ctx.clock.now();
    this.timer = setInterval(() => {
      if (!this.ticking) this.ticking = this.tick().finally(() => (this.ticking = undefined));
    }, this.options.tickMs ?? 30_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    await this.settled();
  }

  /** Waits for the scheduled syncs started so far and what runs after them. */
  async settled(): Promise<void> {
    while (this.following.size > 0) await Promise.all([...this.following]);
  }

  /** Starts what came due since the last tick; returns the scopes started (null = the PSA). */
  async tick(now: Date = this.ctx.clock.now()): Promise<SyncScope[]> {
    const since = this.lastTick;
    this.lastTick = now;
    const started: SyncScope[] = [];
    try {
      await this.sync.expireStaleRuns();
      await this.options.onTick?.().catch((error: unknown) => {
        this.ctx.log.error({ err: error }, "scheduler tick hook failed");
      });
      const repos = repositories(this.ctx.db);
      const timeZone = (await repos.settings.get()).timeZone;
      const scopes: { scope: SyncScope; schedule: string }[] = [];
      const psa = await new PsaConnectionRepository(this.ctx.db).get();
      if (psa.connector_kind) scopes.push({ scope: null, schedule: psa.schedule });
      for (const module of await repos.modules.list()) {
        if (module.connector_kind) scopes.push({ scope: module.key, schedule: module.schedule });
      }
      for (const { scope, schedule } of scopes) {
        if (await this.startIfDue(scope, schedule, timeZone, since, now)) started.push(scope);
      }
    } catch (error) {
      this.ctx.log.error({ err: error }, "sync scheduler tick failed");
    }
    return started;
  }

  private follow(moduleKey: string, started: { done: Promise<{ outcome: string }> }): void {
    const after = this.options.afterModuleSync;
    if (!after) return;
    const next: Promise<unknown> = started.done
      .then((run) => (run.outcome === "succeeded" ? after(moduleKey) : undefined))
      .catch((error: unknown) => this.ctx.log.error({ err: error, moduleKey }, "after the scheduled sync"))
      .finally(() => this.following.delete(next));
    this.following.add(next);
  }

  private async startIfDue(
    scope: SyncScope,
    schedule: string,
    timeZone: string,
    since: Date,
    now: Date,
  ): Promise<boolean> {
    try {
      const due = dueOccurrence(schedule, timeZone, since, now);
      if (!due) return false;
      const latest = await new SyncRunRepository(this.ctx.db).latest(scope);
      if (latest && new Date(latest.started_at).getTime() >= due.getTime()) return false;
      if (scope === null) await this.sync.startPsaSync("schedule");
      else this.follow(scope, await this.sync.startModuleSync(scope, "schedule"));
      return true;
    } catch (error) {
      const level = isAppError(error) && error.status === 409 ? "info" : "error";
      this.ctx.log[level]({ err: error, moduleKey: scope }, "scheduled sync not started");
      return false;
    }
  }
}
