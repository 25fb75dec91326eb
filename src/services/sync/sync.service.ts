import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { importDirOf } from "../../config.ts";
import {
  type ConnectorDeps,
  ConnectorError,
  type ModuleConnector,
  type PsaConnector,
} from "../../connectors/connector.ts";
import { countRequests } from "../../connectors/http/request-counter.ts";
import type { AppContext } from "../../context.ts";
import { PsaConnectionRepository } from "../../db/psa-connection.repository.ts";
import { repositories } from "../../db/repositories.ts";
import type { SyncBillingPart, SyncCounts, SyncRunRow } from "../../db/schema.ts";
import { SyncRunRepository, type SyncScope } from "../../db/sync-run.repository.ts";
import { decodeCursor } from "../../domain/cursor.ts";
import { AppError, invalidValue, isAppError, notFound } from "../../domain/errors.ts";
import { recordSyncFailed } from "../alerts/alert-hooks.ts";
import type { SecretBox } from "../secret-box.ts";
import { runModuleSync } from "./module-sync.ts";
import { runPsaSync } from "./psa-sync.ts";
import { buildBillingReads, buildConnector, openConnectorSecrets } from "./sync-connectors.ts";
import { emptyCounts, RunningSync } from "./sync-run.ts";

export type SyncTrigger = "schedule" | "manual" | "cli" | "demo";

export interface SyncRunView {
  id: string;
  /** null for the PSA. */
  moduleKey: string | null;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  outcome: "running" | "succeeded" | "failed";
  counts: SyncCounts;
  error: string | null;
  /** The usage (module) or contracts (PSA) part; null when the run made no such read. */
  billing: SyncBillingPart | null;
}

export interface SyncRunDetail extends SyncRunView {
  /** The stored rejected records (at most 1,000; `counts.rejected` counts all). */
  rejected: { reason: string; raw: unknown }[];
  /** The billing part's rejected readings or records (at most 1,000; its counts count all). */
  billingRejected: { reason: string; raw: unknown }[];
}

export interface SyncServiceOptions {
  /** How long a run's lease lasts without renewal (default 60 s; renewed every third of it). */
  leaseMs?: number;
  /** This process's name on its leases (default host:pid:random). */
  owner?: string;
  /** Effects handed to connectors (tests: fast sleep). */
  connectorDeps?: ConnectorDeps;
  /** false: runs read organizations only, no usage or contracts (the benchmark's baseline). Default true. */
  billingReads?: boolean;
}

export interface StartedSync {
  runId: string;
  /** Settles with the finished run (never rejects: a failure is a recorded outcome). */
  done: Promise<SyncRunDetail>;
}

export interface SyncHooks {
  /** Called after each page with the counts so far. */
  onProgress?: (counts: SyncCounts) => void;
}

export const DEFAULT_LEASE_MS = 60_000;
const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function toRunView(row: Omit<SyncRunRow, "rejected" | "billing_rejected">): SyncRunView {
  return {
    id: row.id,
    moduleKey: row.module_key,
    trigger: row.trigger,
    startedAt: iso(row.started_at)!,
    finishedAt: iso(row.finished_at),
    outcome: row.outcome,
    counts: { ...emptyCounts(), ...row.counts },
    error: row.error,
    billing: row.billing ?? null,
  };
}

/**
 * Runs syncs (rule 8): claims the module's (or the PSA's) lease so that one scope never has two
 * runs, even across processes; reads the connector page by page in the background; records the
 * outcome. `close()` interrupts what is running (recorded as failed) for a clean shutdown.
 */
export class SyncService {
  readonly owner: string;
  readonly leaseMs: number;
  private readonly inFlight = new Map<string, Promise<SyncRunDetail>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly ctx: AppContext,
    /** Opens the stored credentials when a run builds its connector. */
    readonly secrets: SecretBox,
    private readonly options: SyncServiceOptions = {},
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
    this.leaseMs = options.leaseMs ?? ctx.config.syncLeaseMs ?? DEFAULT_LEASE_MS;
  }

  /** Claims a run of the module and starts it in the background; 409 when one is under way. */
  async startModuleSync(
    moduleKey: string,
    trigger: SyncTrigger,
    hooks: SyncHooks = {},
  ): Promise<StartedSync> {
    const module = await repositories(this.ctx.db).modules.findByKey(moduleKey);
    if (!module) throw notFound("module", moduleKey, "key");
    if (!module.connector_kind) {
      throw invalidValue("connector", `module ${module.name} has no connector yet; configure one first`);
    }
    const { connector_kind: kind, connector_settings: settings, connector_secrets: sealed } = module;
    return this.start(moduleKey, module.name, trigger, hooks, (run) => {
      const deps = this.runDeps(run);
      const secrets = () => openConnectorSecrets(this.secrets, moduleKey, sealed);
      return runModuleSync(
        this.ctx,
        run,
        moduleKey,
        this.connector(() => buildConnector("module", kind, settings, secrets(), deps)),
        () => hooks.onProgress?.({ ...run.counts }),
        () => (this.readsBilling ? buildBillingReads("module", kind, settings, secrets(), deps).usage : null),
      );
    });
  }

  /** Claims a PSA run and starts it in the background; 409 when one is under way. */
  async startPsaSync(trigger: SyncTrigger, hooks: SyncHooks = {}): Promise<StartedSync> {
    const psa = await new PsaConnectionRepository(this.ctx.db).get();
    if (!psa.connector_kind)
      throw invalidValue("connector", "the PSA has no connector yet; configure one first");
    const { connector_kind: kind, connector_settings: settings, connector_secrets: sealed } = psa;
    return this.start(null, "the PSA", trigger, hooks, (run) => {
      const deps = this.runDeps(run);
      const secrets = () => openConnectorSecrets(this.secrets, null, sealed);
      return runPsaSync(
        this.ctx,
        run,
        this.connector(() => buildConnector("psa", kind, settings, secrets(), deps)),
        () => hooks.onProgress?.({ ...run.counts }),
        () =>
          this.readsBilling ? buildBillingReads("psa", kind, settings, secrets(), deps).contracts : null,
      );
    });
  }

  /** Runs a module sync to its end and returns the recorded run. */
  async syncModule(moduleKey: string, trigger: SyncTrigger, hooks?: SyncHooks): Promise<SyncRunDetail> {
    return (await this.startModuleSync(moduleKey, trigger, hooks)).done;
  }

  async syncPsa(trigger: SyncTrigger, hooks?: SyncHooks): Promise<SyncRunDetail> {
    return (await this.startPsaSync(trigger, hooks)).done;
  }

  /** Closes runs of stopped processes (expired leases) as failed; returns how many. */
  async expireStaleRuns(): Promise<number> {
    return this.expireStale();
  }

  /**
   * Closes the runs whose lease expired (their process stopped) as failed, each with its
   * sync.failed event in the same transaction: a killed run is a failed run (issue 14).
   */
  private async expireStale(scope?: SyncScope): Promise<number> {
    return this.ctx.db.transaction().execute(async (tx) => {
      const repos = repositories(tx);
      const expired = await repos.syncRuns.expireStale(scope);
      const at = this.ctx.clock.now();
      for (const run of expired) {
        await recordSyncFailed(repos, { id: run.id, moduleKey: run.module_key, error: run.error }, at);
      }
      return expired.length;
    });
  }

  async listRuns(
    filter: { moduleKey?: string | undefined; psa?: boolean | undefined },
    page: { limit: number; cursor?: string | undefined },
  ) {
    if (
      filter.moduleKey !== undefined &&
      !(await repositories(this.ctx.db).modules.findByKey(filter.moduleKey))
    ) {
      throw notFound("module", filter.moduleKey, "moduleKey");
    }
    const scope = filter.psa ? null : filter.moduleKey;
    const { rows, nextCursor } = await new SyncRunRepository(this.ctx.db).list(
      scope === undefined ? {} : { scope },
      page.limit,
      decodeCursor(page.cursor, { id: "uuid", key: "timestamp" }),
    );
    return { items: rows.map(toRunView), nextCursor };
  }

  async getRun(id: string): Promise<SyncRunDetail> {
    const row = await new SyncRunRepository(this.ctx.db).findById(id);
    if (!row) throw notFound("sync run", id, "id");
    return { ...toRunView(row), rejected: row.rejected, billingRejected: row.billing_rejected ?? [] };
  }

  /** The seen count of the scope's last successful run (a progress bar's estimate). */
  async expectedRecords(scope: SyncScope): Promise<number | null> {
    const last = await new SyncRunRepository(this.ctx.db).latest(scope, "succeeded");
    return last ? (last.counts.seen ?? null) : null;
  }

  /** Waits for every run this process started. */
  async idle(): Promise<void> {
    await Promise.all([...this.inFlight.values()]);
  }

  /** Interrupts this process's runs (each recorded as failed) and waits for them. */
  async close(): Promise<void> {
    this.stopping.abort(new Error("interrupted: orgmap was stopped during the sync"));
    await this.idle();
  }

  private get readsBilling(): boolean {
    return this.options.billingReads !== false;
  }

  private deps(): ConnectorDeps {
    return { importDir: importDirOf(this.ctx.config), ...this.options.connectorDeps };
  }

  /** The run's connector effects, with every HTTP request it sends counted into `counts.requests`. */
  private runDeps(run: RunningSync): ConnectorDeps {
    const counted = countRequests(this.deps());
    run.requestCount = counted.count;
    // A fresh scratch per run: the usage read may reuse what the same run's organizations read saw.
    return { ...counted.deps, runShared: new Map() };
  }

  /** Defers building the connector into the run, so a bad configuration is a recorded failure. */
  private connector<T extends ModuleConnector | PsaConnector>(build: () => T): T {
    let built: T | undefined;
    const get = () => {
      built ??= build();
      return built;
    };
    return {
      get kind() {
        return get().kind;
      },
      fetchAll: (options) => get().fetchAll(options),
    } as T;
  }

  private async start(
    scope: SyncScope,
    label: string,
    trigger: SyncTrigger,
    hooks: SyncHooks,
    work: (run: RunningSync) => Promise<void>,
  ): Promise<StartedSync> {
    if (this.stopping.signal.aborted)
      throw new AppError("conflict", "orgmap is stopping; no new sync starts");
    const runs = new SyncRunRepository(this.ctx.db);
    await this.expireStale(scope);
    const startedAt = this.ctx.clock.now();
    const row = await runs.claim({ scope, trigger, owner: this.owner, leaseMs: this.leaseMs, startedAt });
    if (!row) {
      const running = await runs.findRunning(scope);
      throw new AppError("conflict", `a sync of ${label} is under way already; wait for it to finish`, {
        details: { runId: running?.id ?? null },
      });
    }
    const run = new RunningSync(
      this.ctx.db,
      this.ctx.log,
      row.id,
      this.owner,
      this.leaseMs,
      startedAt,
      this.stopping.signal,
    );
    this.ctx.log.info({ runId: run.id, moduleKey: scope, trigger }, "sync started");
    hooks.onProgress?.({ ...run.counts });
    const done = this.execute(run, scope, work).finally(() => {
      run.stop();
      this.inFlight.delete(run.id);
    });
    this.inFlight.set(run.id, done);
    return { runId: run.id, done };
  }

  private async execute(
    run: RunningSync,
    scope: SyncScope,
    work: (run: RunningSync) => Promise<void>,
  ): Promise<SyncRunDetail> {
    let error: string | null = null;
    try {
      await work(run);
    } catch (caught) {
      const reason: unknown = run.signal.aborted ? run.signal.reason : caught;
      // Viewers read the run's error: a short message; the whole error (bodies, files' text) goes to the log.
      error = shownError(reason, run.signal.aborted);
      this.ctx.log.warn({ err: reason, runId: run.id, moduleKey: scope }, "sync failed");
    }
    const outcome = error === null ? "succeeded" : "failed";
    run.countRequests();
    const finished = await this.ctx.db
      .transaction()
      .execute(async (tx) => {
        const at = this.ctx.clock.now();
        const done = await new SyncRunRepository(tx).finish(run.id, run.owner, {
          outcome,
          finishedAt: at,
          counts: run.counts,
          error,
          rejected: run.rejected,
          billing: run.billing,
        });
        // Issue 14: the failure's alert is written with the run's end, in its transaction.
        if (done && outcome === "failed")
          await recordSyncFailed(repositories(tx), { id: run.id, moduleKey: scope, error }, at);
        return done;
      })
      .catch((caught: unknown) => {
        this.ctx.log.error({ err: caught, runId: run.id }, "could not record the end of a sync");
        return false;
      });
    if (!finished) this.ctx.log.warn({ runId: run.id }, "sync ended after its lease was taken over");
    this.ctx.log.info(
      { runId: run.id, moduleKey: scope, outcome, counts: run.counts, billing: run.billing?.part, error },
      `sync ${outcome}`,
    );
    return this.getRun(run.id);
  }
}

/**
 * What a failed run shows (to viewers too): a connector's short message, our own 4xx answers, an
 * interruption's reason; anything else (a database error quoting a value) only as "internal error".
 */
function shownError(reason: unknown, interrupted: boolean): string {
  if (reason instanceof ConnectorError) return reason.publicMessage;
  if (isAppError(reason) || (interrupted && reason instanceof Error)) return reason.message;
  return "internal error while syncing; the server log has the detail";
}
