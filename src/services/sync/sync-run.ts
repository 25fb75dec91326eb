import type { Logger } from "pino";
import type { Db } from "../../db/database.ts";
import type { SyncBillingPart, SyncCounts } from "../../db/schema.ts";
import { type StoredRejection, SyncRunRepository } from "../../db/sync-run.repository.ts";

/** At most this many rejected records are stored per run; all of them are counted. */
export const MAX_STORED_REJECTIONS = 1_000;

export const emptyCounts = (): SyncCounts => ({
  seen: 0,
  added: 0,
  renamed: 0,
  missing: 0,
  returned: 0,
  rejected: 0,
  requests: 0,
});

/** Raised inside a run when another process has closed it (its lease expired): the run stops at once. */
export class LeaseLostError extends Error {
  constructor() {
    super("the run lost its lease (another process closed it as stale)");
    this.name = "LeaseLostError";
  }
}

/**
 * One claimed run while it works: its counts, the rejected records (capped), and the lease, which
 * a heartbeat renews every third of its length. When renewal finds the run closed by someone else,
 * the run's signal aborts so that it stops writing.
 */
export class RunningSync {
  readonly counts = emptyCounts();
  readonly rejected: StoredRejection[] = [];
  /** The usage or contracts part, once read (null: no such read was made). */
  billing: { part: SyncBillingPart; rejected: StoredRejection[] } | null = null;
  /** The HTTP requests sent so far by this run's reads (set by the service when it builds them). */
  requestCount: () => number = () => 0;
  private readonly controller = new AbortController();
  private readonly heartbeat: NodeJS.Timeout;
  private lost = false;
  private nextAnalyzeAt = 5_000;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    readonly id: string,
    readonly owner: string,
    readonly leaseMs: number,
    readonly startedAt: Date,
    outerSignal?: AbortSignal,
  ) {
    this.heartbeat = setInterval(() => void this.renew(), Math.max(50, Math.floor(leaseMs / 3)));
    this.heartbeat.unref();
    if (outerSignal) {
      if (outerSignal.aborted) this.controller.abort(outerSignal.reason);
      else outerSignal.addEventListener("abort", () => this.controller.abort(outerSignal.reason));
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  reject(items: readonly StoredRejection[]): void {
    this.counts.rejected += items.length;
    for (const item of items) {
      if (this.rejected.length >= MAX_STORED_REJECTIONS) break;
      this.rejected.push(item);
    }
  }

  /** Brings `counts.requests` up to date. */
  countRequests(): void {
    this.counts.requests = this.requestCount();
  }

  /** Renews the lease (and stores the counts so far); aborts the run when the lease is gone. */
  async renew(): Promise<void> {
    if (this.lost) return;
    this.countRequests();
    try {
      const held = await new SyncRunRepository(this.db).renewLease(
        this.id,
        this.owner,
        this.leaseMs,
        this.counts,
      );
      if (!held) {
        this.lost = true;
        this.controller.abort(new LeaseLostError());
      }
    } catch (error) {
      // A lost database connection: the run's own queries will fail and close it.
      this.log.warn({ err: error, runId: this.id }, "sync lease renewal failed");
    }
  }

  /**
   * Renews the lease inside the caller's transaction; throws LeaseLostError when another process
   * has closed the run, so that the transaction's final changes are not made.
   */
  async holdLease(db: Db): Promise<void> {
    this.countRequests();
    if (!(await new SyncRunRepository(db).renewLease(this.id, this.owner, this.leaseMs, this.counts))) {
      this.lost = true;
      throw new LeaseLostError();
    }
  }

  /**
   * Refreshes table statistics when the run has added many rows since the last refresh (5,000,
   * then each time the table may have doubled), so lookups keep using the index.
   */
  async analyzeIfGrown(table: "module_organizations" | "organizations"): Promise<void> {
    if (this.counts.added < this.nextAnalyzeAt) return;
    this.nextAnalyzeAt = this.counts.added * 2;
    await new SyncRunRepository(this.db).analyze(table);
  }

  /** Throws when the run must stop (aborted, or its lease lost). */
  check(): void {
    if (this.signal.aborted) {
      const reason: unknown = this.signal.reason;
      throw reason instanceof Error ? reason : new Error("the sync was interrupted");
    }
  }

  stop(): void {
    clearInterval(this.heartbeat);
  }
}

/** A logger for batch callers (CLI, demo): sync info lines only at debug, warnings as usual. */
export function quietLog(log: Logger): Logger {
  return log.level === "info" ? log.child({}, { level: "warn" }) : log;
}
