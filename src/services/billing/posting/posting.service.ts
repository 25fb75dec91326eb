import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import {
  autotaskSecretsSchema,
  autotaskSettingsSchema,
} from "../../../connectors/autotask/autotask.settings.ts";
import {
  AutotaskAdjustmentsClient,
  createLimitMs,
} from "../../../connectors/autotask/autotask-adjustments.client.ts";
import type { ConnectorDeps } from "../../../connectors/connector.ts";
import type { AppContext } from "../../../context.ts";
import { repositories } from "../../../db/repositories.ts";
import { type Actor, systemActor } from "../../../domain/actor.ts";
import type { PostingConfigState } from "../../../domain/audit.ts";
import { formatDecimal, parseDecimal, sumAmounts } from "../../../domain/billing/money.ts";
import { parsePeriodKey, periodContaining } from "../../../domain/billing/period.ts";
import type { PostingCandidate } from "../../../domain/billing/posting.ts";
import { AppError, notFound } from "../../../domain/errors.ts";
import { recordPostingFailed } from "../../alerts/alert-hooks.ts";
import type { SecretBox } from "../../secret-box.ts";
import { openConnectorSecrets } from "../../sync/sync-connectors.ts";
import { inUnitOfWork } from "../../unit-of-work.ts";
import { type CallSlots, databaseSlots, limitedPsa } from "./call-slots.ts";
import { type EngineResult, runPostingEngine } from "./posting-engine.ts";
import type {
  PostingLine,
  PostingProgress,
  PostingPsa,
  PostingSource,
  PreviewAction,
} from "./posting-types.ts";

export type { ActivityRecord } from "../../../db/activity-log.repository.ts";
export type { ModuleSwitch, PostingConfig } from "../../../db/posting.repository.ts";

import { STOPPED_RUN_ERROR } from "../../../db/posting.repository.ts";

export type { ApprovalRecord } from "../../../db/posting-approval.repository.ts";

export interface PostingServiceOptions {
  /** Where the planner inputs come from (the reconciliation, issue 9); null: nothing to post yet. */
  source?: PostingSource | null;
  /** This process's name on its leases (default host:pid:random). */
  owner?: string;
  /** Network and time effects of the PSA client (tests). */
  deps?: ConnectorDeps;
  /** Builds the PSA client instead of the stored Autotask connection (tests). */
  psa?: () => PostingPsa;
  /** With `psa`: how old another process's pending attempt must be before it is settled (default 0). */
  settleAfterMs?: number;
}

/** A posting lease's default length (renewed every third of it while a run works its contract services). */
export const DEFAULT_POSTING_LEASE_MS = 60_000;

export interface PostingTotals {
  action: PreviewAction;
  rows: number;
  units: number;
  money: string;
}

export interface PostingSummary {
  moduleKey: string;
  periodKey: string;
  runId: string | null;
  outcome: EngineResult["outcome"] | "preview";
  counts: EngineResult["counts"];
  requestCount: number;
  error: string | null;
  totals: PostingTotals[];
  lines: PostingLine[];
}

const ACTIONS: PreviewAction[] = ["post", "held", "failed", "same"];

/** Totals per action: rows, units changed and the money of the change, for the line an admin reads first. */
export function totalsOf(lines: readonly PostingLine[]): PostingTotals[] {
  return ACTIONS.map((action) => {
    const rows = lines.filter((line) => line.action === action);
    return {
      action,
      rows: rows.length,
      units: rows.reduce((sum, line) => sum + line.unitChange, 0),
      money: formatDecimal(
        sumAmounts(rows.flatMap((line) => (line.money === null ? [] : [parseDecimal(line.money) ?? 0n]))),
      ),
    };
  });
}

/**
 * Posting (rules 15–16): the switches and limits, the preview, and the runs ("Post now", the
 * schedule after a sync, the CLI). A module whose switch is off is reconciled only.
 */
export class PostingService {
  readonly owner: string;
  private slots: { max: number; slots: CallSlots } | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly secretBox: SecretBox,
    private readonly options: PostingServiceOptions = {},
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  }

  async switches() {
    return repositories(this.ctx.db).posting.switches();
  }

  /** Turns posting on or off for a module (admin, audited). */
  async setSwitch(actor: Actor, moduleKey: string, enabled: boolean) {
    await inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      if (!(await repos.modules.findByKey(moduleKey))) throw notFound("module", moduleKey, "key");
      const before = await repos.posting.isEnabled(moduleKey);
      if (before === enabled) return;
      await repos.posting.setEnabled(moduleKey, enabled, actor.label, step.at);
      step.record({
        entityType: "posting",
        action: enabled ? "posting.enabled" : "posting.disabled",
        entityId: moduleKey,
        summary: `Posting to the PSA turned ${enabled ? "on" : "off"} for module ${moduleKey}`,
        before: { enabled: before },
        after: { enabled },
      });
    });
    return (await this.switches()).find((entry) => entry.moduleKey === moduleKey)!;
  }

  async config() {
    return repositories(this.ctx.db).posting.config();
  }

  async updateConfig(actor: Actor, patch: Partial<PostingConfigState>) {
    await inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const current = await repos.posting.config();
      const before: PostingConfigState = {
        approvalSharePercent: current.approvalSharePercent,
        hourlyRequestBudget: current.hourlyRequestBudget,
        maxConcurrency: current.maxConcurrency,
      };
      const after = { ...before, ...patch };
      await repos.posting.saveConfig(after, actor.label, step.at);
      step.record({
        entityType: "posting",
        action: "posting.config_changed",
        entityId: "config",
        summary: `Posting limits: decreases above ${after.approvalSharePercent}% held, ${after.hourlyRequestBudget} PSA requests an hour, ${after.maxConcurrency} at a time`,
        before,
        after,
      });
    });
    return this.config();
  }

  /** What a run would do now: reads the PSA's units back (counted), writes nothing. */
  async preview(
    moduleKey: string,
    periodKey?: string,
    onProgress?: PostingProgress,
  ): Promise<PostingSummary> {
    return this.run(moduleKey, { periodKey, mode: "preview", trigger: "preview", onProgress });
  }

  /**
   * A posting run of a module ("Post now", the schedule, the CLI): 409 while its switch is off.
   * `only` narrows it (a retry of one activity row).
   */
  async post(
    actor: Actor,
    moduleKey: string,
    options: {
      periodKey?: string;
      trigger?: string;
      onProgress?: PostingProgress;
      only?: (c: PostingCandidate) => boolean;
    } = {},
  ): Promise<PostingSummary> {
    const repos = repositories(this.ctx.db);
    if (!(await repos.modules.findByKey(moduleKey))) throw notFound("module", moduleKey, "key");
    if (!(await repos.posting.isEnabled(moduleKey))) {
      throw new AppError(
        "conflict",
        `Posting is off for module ${moduleKey}: an admin turns it on first (rule 16)`,
        {
          details: { moduleKey },
        },
      );
    }
    return this.run(moduleKey, { ...options, mode: "post", trigger: options.trigger ?? "manual", actor });
  }

  /**
   * The scheduled posting run after a module's successful scheduled sync (item 1): only when an
   * admin turned posting on for the module (rule 16); the run's trigger is "schedule". Errors are
   * logged (the run record keeps a failed run), never thrown into the scheduler.
   */
  async postAfterSync(moduleKey: string): Promise<PostingSummary | null> {
    if (!(await repositories(this.ctx.db).posting.isEnabled(moduleKey))) return null;
    try {
      return await this.post(systemActor("posting"), moduleKey, { trigger: "schedule" });
    } catch (error) {
      this.ctx.log.error({ err: error, moduleKey }, "scheduled posting run failed");
      return null;
    }
  }

  /**
   * The PSA client of the stored Autotask connection (409 when the PSA is not Autotask or not set),
   * its calls limited like a run's; the lease outlasts one create without renewal.
   */
  async psaClient(): Promise<{ psa: PostingPsa; leaseMs: number }> {
    const { psa, settleAfterMs } = await this.buildPsa();
    const config = await repositories(this.ctx.db).posting.config();
    return {
      psa: limitedPsa(psa, this.callSlots(config.maxConcurrency)),
      leaseMs: this.leaseMs() + settleAfterMs,
    };
  }

  /** The PSA calls' slots: at most `max` at a time across the processes on this database (item 5). */
  private callSlots(max: number): CallSlots {
    if (this.slots?.max !== max) {
      this.slots = { max, slots: databaseSlots(this.ctx.db, this.ctx.databaseKind, Math.max(1, max)) };
    }
    return this.slots.slots;
  }

  /**
   * Closes the posting runs (of one module, or all) whose process ended: `running` rows past their
   * heartbeat, closed as failed with "stopped: its process ended". Runs when a module's posting run
   * starts and on each tick of `orgmap serve`'s scheduler; returns how many it closed.
   */
  async expireStaleRuns(moduleKey?: string): Promise<number> {
    // Each closed run's posting.failed event (issue 14) commits with its close.
    const closed = await this.ctx.db.transaction().execute(async (tx) => {
      const inTx = repositories(tx);
      const runs = await inTx.posting.expireStaleRuns(moduleKey);
      for (const run of runs) {
        await recordPostingFailed(
          inTx,
          {
            id: run.id,
            moduleKey: run.moduleKey,
            periodKey: run.periodKey,
            outcome: "failed",
            failedCount: 0,
            error: STOPPED_RUN_ERROR,
            reasons: [],
          },
          this.ctx.clock.now(),
        );
      }
      return runs;
    });
    for (const run of closed) {
      this.ctx.log.warn({ runId: run.id, moduleKey: run.moduleKey }, "posting run closed: its process ended");
    }
    return closed.length;
  }

  /** How long a run counts as alive after a heartbeat: two leases (it beats every third of one). */
  private aliveMs(): number {
    return 2 * this.leaseMs();
  }

  private leaseMs(): number {
    return this.ctx.config.postingLeaseMs ?? DEFAULT_POSTING_LEASE_MS;
  }

  /** The current period in the instance's time zone, or the one asked for (422 when malformed). */
  async periodOf(periodKey?: string) {
    const { timeZone } = await repositories(this.ctx.db).settings.get();
    const period = periodKey
      ? parsePeriodKey(periodKey, timeZone)
      : periodContaining(this.ctx.clock.now(), timeZone);
    return { period, timeZone };
  }

  private async run(
    moduleKey: string,
    options: {
      periodKey?: string | undefined;
      mode: "post" | "preview";
      trigger: string;
      actor?: Actor;
      onProgress?: PostingProgress | undefined;
      only?: ((c: PostingCandidate) => boolean) | undefined;
    },
  ): Promise<PostingSummary> {
    const repos = repositories(this.ctx.db);
    if (!(await repos.modules.findByKey(moduleKey))) throw notFound("module", moduleKey, "key");
    const source = this.options.source;
    if (!source) {
      throw new AppError(
        "conflict",
        "Nothing to post yet: this server has no reconciliation to post from (issue 9)",
      );
    }
    const { period, timeZone } = await this.periodOf(options.periodKey);
    const built = await this.buildPsa();
    const config = await repos.posting.config();
    const psa = limitedPsa(built.psa, this.callSlots(config.maxConcurrency));
    const candidates = (await source.candidates(moduleKey, period.key)).filter(options.only ?? (() => true));
    if (options.mode === "post") await this.expireStaleRuns(moduleKey);
    const runId =
      options.mode === "post"
        ? await repos.posting.startRun({
            moduleKey,
            trigger: options.trigger,
            periodKey: period.key,
            startedAt: this.ctx.clock.now(),
            owner: this.owner,
            aliveMs: this.aliveMs(),
          })
        : null;
    // The run's heartbeat, as often as its leases are renewed: a run whose process ended stops
    // beating and is closed by the next run of the module or the scheduler's tick.
    const heartbeat = runId
      ? setInterval(
          () =>
            void repos.posting
              .beat(runId, this.aliveMs())
              .catch((failure: unknown) =>
                this.ctx.log.warn({ err: failure, runId }, "posting run heartbeat failed"),
              ),
          Math.max(50, Math.floor(this.leaseMs() / 3)),
        )
      : undefined;
    const actor = options.actor ?? {
      kind: "system" as const,
      id: "posting",
      label: "system:posting",
      role: "admin" as const,
    };
    let result: EngineResult;
    try {
      result = await runPostingEngine(
        {
          ctx: this.ctx,
          actor,
          psa,
          owner: this.owner,
          leaseMs: this.leaseMs(),
          settleAfterMs: built.settleAfterMs,
          config,
          timeZone,
          runId,
          mode: options.mode,
          onProgress: options.onProgress,
        },
        moduleKey,
        period.key,
        candidates,
      );
    } catch (error) {
      clearInterval(heartbeat);
      if (runId) {
        await this.ctx.db.transaction().execute(async (tx) => {
          const inTx = repositories(tx);
          await inTx.posting.finishRun(runId, {
            outcome: "failed",
            finishedAt: this.ctx.clock.now(),
            counts: {},
            requestCount: psa.requestCount(),
            error: (error as Error).message,
          });
          await recordPostingFailed(
            inTx,
            {
              id: runId,
              moduleKey,
              periodKey: period.key,
              outcome: "failed",
              failedCount: 0,
              error: (error as Error).message,
              reasons: [],
            },
            this.ctx.clock.now(),
          );
        });
      }
      throw error;
    }
    clearInterval(heartbeat);
    if (runId) {
      // The run's end and its posting.failed event (issue 14) commit together.
      await this.ctx.db.transaction().execute(async (tx) => {
        const inTx = repositories(tx);
        await inTx.posting.finishRun(runId, {
          outcome: result.outcome,
          finishedAt: this.ctx.clock.now(),
          counts: { ...result.counts },
          requestCount: result.requestCount,
          error: result.error,
        });
        await recordPostingFailed(
          inTx,
          {
            id: runId,
            moduleKey,
            periodKey: period.key,
            outcome: result.outcome,
            failedCount: result.counts.failed,
            error: result.error,
            reasons: result.lines.filter((line) => line.action === "failed").map((line) => line.reason),
          },
          this.ctx.clock.now(),
        );
      });
    }
    return {
      moduleKey,
      periodKey: period.key,
      runId,
      outcome: options.mode === "preview" ? "preview" : result.outcome,
      counts: result.counts,
      requestCount: result.requestCount,
      error: result.error,
      totals: totalsOf(result.lines),
      lines: result.lines,
    };
  }

  private async buildPsa(): Promise<{ psa: PostingPsa; settleAfterMs: number }> {
    if (this.options.psa) return { psa: this.options.psa(), settleAfterMs: this.options.settleAfterMs ?? 0 };
    const connection = await repositories(this.ctx.db).psaConnection.get();
    if (connection.connector_kind !== "autotask") {
      throw new AppError("conflict", "Posting needs the PSA connection to be Autotask", {
        details: { connectorKind: connection.connector_kind },
      });
    }
    const settings = autotaskSettingsSchema.parse(connection.connector_settings);
    const secrets = autotaskSecretsSchema.parse(
      openConnectorSecrets(this.secretBox, null, connection.connector_secrets),
    );
    const psa = new AutotaskAdjustmentsClient(settings, secrets, this.options.deps ?? {});
    // No create of a stopped process is still in flight once its attempt is older than the
    // client's limit on one create, plus one lease for the clocks of the processes.
    return { psa, settleAfterMs: createLimitMs(settings) + this.leaseMs() };
  }
}
