import { sql } from "kysely";
import type { Cursor } from "../domain/cursor.ts";
import { encodeCursor } from "../domain/cursor.ts";
import { isUuid } from "../domain/ids.ts";
import type { Db } from "./database.ts";
import type { SyncBillingPart, SyncCounts, SyncOutcome, SyncRunRow } from "./schema.ts";

/** The PSA's runs have no module; the one-running-run index and the scope both use this word. */
export const PSA_SCOPE = "__psa__";

/** A module key, or null for the PSA. */
export type SyncScope = string | null;

export interface StoredRejection {
  reason: string;
  raw: unknown;
}

/** A run as a module's card shows it. */
export type SyncRunSummary = Pick<
  SyncRunRow,
  "id" | "module_key" | "trigger" | "started_at" | "finished_at" | "outcome" | "error"
>;

export const STALE_LEASE_ERROR = "stale lease: process stopped";

const scopeIs = (scope: SyncScope) =>
  sql<boolean>`coalesce(module_key, ${PSA_SCOPE}) = ${scope ?? PSA_SCOPE}`;
const leaseFromNow = (leaseMs: number) => sql<Date>`now() + ${leaseMs} * interval '1 millisecond'`;

/**
 * Sync runs and their leases. A run is claimed atomically (a partial unique index allows one
 * `running` run per scope); its owner renews the lease while it works; anyone may close a run
 * whose lease has expired (its process stopped).
 */
export class SyncRunRepository {
  constructor(private readonly db: Db) {}

  /** Closes the running runs whose lease expired (all scopes, or one); returns their ids. */
  async expireStaleLeases(scope?: SyncScope): Promise<string[]> {
    return (await this.expireStale(scope)).map((r) => r.id);
  }

  /** expireStaleLeases with each closed run's scope and error (its sync.failed event needs them). */
  async expireStale(
    scope?: SyncScope,
  ): Promise<{ id: string; module_key: string | null; error: string | null }[]> {
    let query = this.db
      .updateTable("sync_runs")
      .set({ outcome: "failed", error: STALE_LEASE_ERROR, finished_at: sql`now()`, lease_owner: null })
      .where("outcome", "=", "running")
      .where(sql<boolean>`(lease_expires_at is null or lease_expires_at < now())`);
    if (scope !== undefined) query = query.where(scopeIs(scope));
    return query.returning(["id", "module_key", "error"]).execute();
  }

  /**
   * Claims the scope for a new run; undefined when a run is under way there (the unique index
   * refuses a second `running` row, also from another process).
   */
  async claim(input: {
    scope: SyncScope;
    trigger: string;
    owner: string;
    leaseMs: number;
    startedAt: Date;
  }): Promise<SyncRunRow | undefined> {
    const result = await sql<SyncRunRow>`
      insert into sync_runs (module_key, trigger, started_at, outcome, lease_owner, lease_expires_at)
      values (${input.scope}, ${input.trigger}, ${input.startedAt}, 'running', ${input.owner}, ${leaseFromNow(input.leaseMs)})
      on conflict ((coalesce(module_key, '__psa__'))) where outcome = 'running' do nothing
      returning *
    `.execute(this.db);
    return result.rows[0];
  }

  async findRunning(scope: SyncScope): Promise<SyncRunRow | undefined> {
    return this.db
      .selectFrom("sync_runs")
      .selectAll()
      .where("outcome", "=", "running")
      .where(scopeIs(scope))
      .executeTakeFirst();
  }

  /** Extends the lease and stores the counts so far; false when the run is no longer this owner's. */
  async renewLease(id: string, owner: string, leaseMs: number, counts?: SyncCounts): Promise<boolean> {
    const rows = await this.db
      .updateTable("sync_runs")
      .set({
        lease_expires_at: leaseFromNow(leaseMs),
        ...(counts ? { counts: JSON.stringify(counts) } : {}),
      })
      .where("id", "=", id)
      .where("lease_owner", "=", owner)
      .where("outcome", "=", "running")
      .returning("id")
      .execute();
    return rows.length === 1;
  }

  /** Records the end of a run, if this owner still holds it; false otherwise. */
  async finish(
    id: string,
    owner: string,
    result: {
      outcome: Exclude<SyncOutcome, "running">;
      finishedAt: Date;
      counts: SyncCounts;
      error: string | null;
      rejected: readonly StoredRejection[];
      /** The usage or contracts part, when the run made that read. */
      billing?: { part: SyncBillingPart; rejected: readonly StoredRejection[] } | null;
    },
  ): Promise<boolean> {
    const rows = await this.db
      .updateTable("sync_runs")
      .set({
        outcome: result.outcome,
        finished_at: result.finishedAt,
        counts: JSON.stringify(result.counts),
        error: result.error,
        rejected: JSON.stringify(result.rejected),
        ...(result.billing
          ? {
              billing: JSON.stringify(result.billing.part),
              billing_rejected: JSON.stringify(result.billing.rejected),
            }
          : {}),
        lease_owner: null,
        lease_expires_at: null,
      })
      .where("id", "=", id)
      .where("lease_owner", "=", owner)
      .where("outcome", "=", "running")
      .returning("id")
      .execute();
    return rows.length === 1;
  }

  async findById(id: string): Promise<SyncRunRow | undefined> {
    if (!isUuid(id)) return undefined;
    return this.db.selectFrom("sync_runs").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** The newest runs first, without the rejected records (keyset paging on start, id). */
  async list(filter: { scope?: SyncScope }, limit: number, cursor: Cursor | undefined) {
    let query = this.db
      .selectFrom("sync_runs")
      .select([
        "id",
        "module_key",
        "trigger",
        "started_at",
        "finished_at",
        "outcome",
        "counts",
        "error",
        "billing",
        "lease_owner",
        "lease_expires_at",
      ]);
    if (filter.scope !== undefined) query = query.where(scopeIs(filter.scope));
    if (cursor && "k" in cursor && isUuid(cursor.id)) {
      query = query.where(sql<boolean>`(started_at, id) < (${cursor.k}::timestamptz, ${cursor.id}::uuid)`);
    }
    const rows = await query
      .orderBy("started_at", "desc")
      .orderBy("id", "desc")
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      rows: page,
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ k: new Date(last.started_at).toISOString(), id: last.id })
          : null,
    };
  }

  /**
   * Refreshes the planner's statistics of a table a sync is filling: without it, a table that grew
   * from empty is still planned as tiny, and each page's lookup by external id scans it.
   */
  async analyze(table: "module_organizations" | "organizations"): Promise<void> {
    await sql`analyze ${sql.table(table)}`.execute(this.db);
  }

  /** The newest run of a scope (any outcome), or of the given outcome. */
  async latest(scope: SyncScope, outcome?: SyncOutcome): Promise<SyncRunRow | undefined> {
    let query = this.db.selectFrom("sync_runs").selectAll().where(scopeIs(scope));
    if (outcome) query = query.where("outcome", "=", outcome);
    return query.orderBy("started_at", "desc").orderBy("id", "desc").limit(1).executeTakeFirst();
  }

  /** The newest run of each module (or of one), without its rejected records. */
  async latestPerModule(moduleKey?: string): Promise<Map<string, SyncRunSummary>> {
    let query = this.db
      .selectFrom("sync_runs")
      .select(["id", "module_key", "trigger", "started_at", "finished_at", "outcome", "error"])
      .distinctOn("module_key")
      .where("module_key", "is not", null);
    if (moduleKey !== undefined) query = query.where("module_key", "=", moduleKey);
    const rows = await query
      .orderBy("module_key")
      .orderBy("started_at", "desc")
      .orderBy("id", "desc")
      .execute();
    return new Map(rows.map((row) => [row.module_key as string, row]));
  }
}
