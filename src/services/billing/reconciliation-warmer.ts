import type { AppContext } from "../../context.ts";
import { previousPeriod } from "../../domain/billing/period.ts";
import type { ReconciliationService } from "./reconciliation.service.ts";

/** What one pass did, per period: up to date already, changed in place, or computed whole. */
export type WarmPass = { period: string; outcome: "current" | "changes" | "whole"; ms: number }[];

/**
 * Keeps the reconciliation of the current and the previous period up to date in the background
 * (`orgmap serve` pokes it after each scheduled sync, on each scheduler tick and at start), so
 * that the dashboard and the reconciliation page read a stored snapshot instead of waiting for
 * the changes of a night's sync (seconds at 50,000 organizations) or a whole compute (tens of
 * seconds) on the first view of the day.
 *
 * One pass at a time: a poke during a pass asks for one more pass after it (the data may have
 * changed after the pass read its version). A pass that finds the snapshots current costs one
 * read per period. Errors are logged, never thrown: the page computes on its read as before.
 */
export class ReconciliationWarmer {
  private pass: Promise<void> | undefined;
  private again = false;
  /** The last pass's outcome per period (tests, logs). */
  lastPass: WarmPass = [];

  constructor(
    private readonly ctx: Pick<AppContext, "log">,
    private readonly reconciliation: Pick<ReconciliationService, "ensure" | "period" | "lastRefresh">,
  ) {}

  /** Starts a pass unless one is running (then one more runs after it). Returns at once. */
  poke(): void {
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = this.run().finally(() => {
      this.pass = undefined;
    });
  }

  /** Waits until no pass is running or asked for. */
  async settled(): Promise<void> {
    while (this.pass) await this.pass;
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      try {
        this.lastPass = await this.warm();
        const worked = this.lastPass.filter((p) => p.outcome !== "current");
        if (worked.length > 0) this.ctx.log.info({ periods: worked }, "reconciliation brought up to date");
      } catch (error) {
        this.ctx.log.error({ err: error }, "reconciliation not brought up to date in the background");
      }
    } while (this.again);
  }

  private async warm(): Promise<WarmPass> {
    const current = await this.reconciliation.period();
    const done: WarmPass = [];
    for (const period of [current, previousPeriod(current)]) {
      const started = performance.now();
      const before = this.reconciliation.lastRefresh;
      await this.reconciliation.ensure(period.key);
      const after = this.reconciliation.lastRefresh;
      done.push({
        period: period.key,
        // `lastRefresh` is replaced by each refresh: the same object, nothing was refreshed.
        outcome: after === before || after === null ? "current" : after.kind,
        ms: Math.round(performance.now() - started),
      });
    }
    return done;
  }
}
