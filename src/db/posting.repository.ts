import { sql } from "kysely";
import type { Db } from "./database.ts";
import type { PostingRunOutcome } from "./schema.ts";

/** The instance's posting limits (rule 16's share, Autotask's shared hourly budget, its threads). */
export interface PostingConfig {
  approvalSharePercent: number;
  hourlyRequestBudget: number;
  maxConcurrency: number;
  updatedBy: string | null;
  updatedAt: Date | null;
}

/** The error of a posting run closed because its process ended (its heartbeat stopped). */
export const STOPPED_RUN_ERROR = "stopped: its process ended";

const aliveFor = (aliveMs: number) => sql<Date>`now() + ${aliveMs} * interval '1 millisecond'`;

export const DEFAULT_POSTING_CONFIG: PostingConfig = {
  approvalSharePercent: 50,
  hourlyRequestBudget: 3000,
  maxConcurrency: 3,
  updatedBy: null,
  updatedAt: null,
};

export interface ModuleSwitch {
  moduleKey: string;
  isEnabled: boolean;
  updatedBy: string | null;
  updatedAt: Date | null;
}

export interface PostingRunRecord {
  id: string;
  moduleKey: string;
  trigger: string;
  periodKey: string;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: PostingRunOutcome;
  counts: Record<string, number>;
  requestCount: number;
  error: string | null;
}

/** Posting switches and limits, the hourly request budget, and the runs. Only SQL. */
export class PostingRepository {
  constructor(private readonly db: Db) {}

  /** Every module with its switch (off when never set: rule 16). */
  async switches(): Promise<ModuleSwitch[]> {
    const rows = await this.db
      .selectFrom("modules as m")
      .leftJoin("posting_settings as p", "p.module_key", "m.key")
      .select(["m.key", "p.is_enabled", "p.updated_by", "p.updated_at"])
      .orderBy("m.key")
      .execute();
    return rows.map((row) => ({
      moduleKey: row.key,
      isEnabled: row.is_enabled ?? false,
      updatedBy: row.updated_by ?? null,
      updatedAt: row.updated_at ? new Date(row.updated_at) : null,
    }));
  }

  async isEnabled(moduleKey: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("posting_settings")
      .select("is_enabled")
      .where("module_key", "=", moduleKey)
      .executeTakeFirst();
    return row?.is_enabled ?? false;
  }

  async setEnabled(moduleKey: string, isEnabled: boolean, by: string, at: Date): Promise<void> {
    await this.db
      .insertInto("posting_settings")
      .values({ module_key: moduleKey, is_enabled: isEnabled, updated_by: by, updated_at: at })
      .onConflict((oc) =>
        oc.column("module_key").doUpdateSet({ is_enabled: isEnabled, updated_by: by, updated_at: at }),
      )
      .execute();
  }

  async config(): Promise<PostingConfig> {
    const row = await this.db.selectFrom("posting_config").selectAll().executeTakeFirst();
    if (!row) return DEFAULT_POSTING_CONFIG;
    return {
      approvalSharePercent: row.approval_share_percent,
      hourlyRequestBudget: row.hourly_request_budget,
      maxConcurrency: row.max_concurrency,
      updatedBy: row.updated_by,
      updatedAt: new Date(row.updated_at),
    };
  }

  async saveConfig(
    config: Pick<PostingConfig, "approvalSharePercent" | "hourlyRequestBudget" | "maxConcurrency">,
    by: string,
    at: Date,
  ): Promise<void> {
    const values = {
      approval_share_percent: config.approvalSharePercent,
      hourly_request_budget: config.hourlyRequestBudget,
      max_concurrency: config.maxConcurrency,
      updated_by: by,
      updated_at: at,
    };
    await this.db
      .insertInto("posting_config")
      .values({ id: 1, ...values })
      .onConflict((oc) => oc.column("id").doUpdateSet(values))
      .execute();
  }

  /**
   * Reserves `requests` of the hour's budget, atomically across processes: true when they fit
   * (and are now counted), false when the hour's budget would be exceeded (nothing counted).
   */
  async reserveRequests(hour: Date, requests: number, budget: number): Promise<boolean> {
    if (requests > budget) return false;
    const result = await sql<{ requests: number }>`
      insert into posting_budget as b (hour, requests) values (${hour}, ${requests})
      on conflict (hour) do update set requests = b.requests + excluded.requests
        where b.requests + excluded.requests <= ${budget}
      returning requests
    `.execute(this.db);
    return result.rows.length === 1;
  }

  /** Counts requests that were sent beyond what was reserved (a read that needed more pages). */
  async addRequests(hour: Date, requests: number): Promise<void> {
    if (requests === 0) return;
    await sql`
      insert into posting_budget as b (hour, requests) values (${hour}, ${Math.max(0, requests)})
      on conflict (hour) do update set requests = greatest(0, b.requests + ${requests})
    `.execute(this.db);
  }

  async requestsSpent(hour: Date): Promise<number> {
    const row = await this.db
      .selectFrom("posting_budget")
      .select("requests")
      .where("hour", "=", hour)
      .executeTakeFirst();
    return row?.requests ?? 0;
  }

  /**
   * The contract service of each (contract, service) pair in the stored PSA contracts read, by
   * "contract/service"; the lowest id when a contract carries the service twice.
   */
  async contractServiceIds(
    pairs: readonly { contractPsaId: string; servicePsaId: string }[],
  ): Promise<Map<string, string>> {
    if (pairs.length === 0) return new Map();
    const result = await sql<{ contract_psa_id: string; service_psa_id: string; psa_id: string }>`
      select distinct on (s.contract_psa_id, s.service_psa_id) s.contract_psa_id, s.service_psa_id, s.psa_id
      from psa_contract_services s
      join unnest(${pairs.map((p) => p.contractPsaId)}::text[], ${pairs.map((p) => p.servicePsaId)}::text[])
        as w(contract_psa_id, service_psa_id)
        on w.contract_psa_id = s.contract_psa_id and w.service_psa_id = s.service_psa_id
      order by s.contract_psa_id, s.service_psa_id, length(s.psa_id), s.psa_id
    `.execute(this.db);
    return new Map(result.rows.map((row) => [`${row.contract_psa_id}/${row.service_psa_id}`, row.psa_id]));
  }

  async startRun(input: {
    moduleKey: string;
    trigger: string;
    periodKey: string;
    startedAt: Date;
    owner: string;
    /** How long the run counts as alive without a heartbeat (`beat`). */
    aliveMs: number;
  }): Promise<string> {
    const row = await this.db
      .insertInto("posting_runs")
      .values({
        module_key: input.moduleKey,
        trigger: input.trigger,
        period_key: input.periodKey,
        started_at: input.startedAt,
        owner: input.owner,
        counts: "{}",
        alive_until: aliveFor(input.aliveMs),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** The run's heartbeat: it stays alive `aliveMs` from the database's now. */
  async beat(id: string, aliveMs: number): Promise<void> {
    await this.db
      .updateTable("posting_runs")
      .set({ alive_until: aliveFor(aliveMs) })
      .where("id", "=", id)
      .where("outcome", "=", "running")
      .execute();
  }

  /**
   * Closes as failed the `running` runs (of one module, or all) whose heartbeat stopped: their
   * process ended. Returns the closed runs.
   */
  async expireStaleRuns(moduleKey?: string): Promise<{ id: string; moduleKey: string; periodKey: string }[]> {
    let query = this.db
      .updateTable("posting_runs")
      .set({ outcome: "failed", error: STOPPED_RUN_ERROR, finished_at: sql`now()` })
      .where("outcome", "=", "running")
      .where(sql<boolean>`(alive_until is null or alive_until < now())`);
    if (moduleKey !== undefined) query = query.where("module_key", "=", moduleKey);
    const rows = await query.returning(["id", "module_key", "period_key"]).execute();
    return rows.map((row) => ({ id: row.id, moduleKey: row.module_key, periodKey: row.period_key }));
  }

  async finishRun(
    id: string,
    result: {
      outcome: Exclude<PostingRunOutcome, "running">;
      finishedAt: Date;
      counts: Record<string, number>;
      requestCount: number;
      error: string | null;
    },
  ): Promise<void> {
    await this.db
      .updateTable("posting_runs")
      .set({
        outcome: result.outcome,
        finished_at: result.finishedAt,
        counts: JSON.stringify(result.counts),
        request_count: result.requestCount,
        error: result.error,
      })
      .where("id", "=", id)
      .execute();
  }

  async runs(moduleKey: string | undefined, limit: number): Promise<PostingRunRecord[]> {
    let query = this.db.selectFrom("posting_runs").selectAll();
    if (moduleKey !== undefined) query = query.where("module_key", "=", moduleKey);
    const rows = await query.orderBy("started_at", "desc").orderBy("id", "desc").limit(limit).execute();
    return rows.map((row) => ({
      id: row.id,
      moduleKey: row.module_key,
      trigger: row.trigger,
      periodKey: row.period_key,
      startedAt: new Date(row.started_at),
      finishedAt: row.finished_at ? new Date(row.finished_at) : null,
      outcome: row.outcome,
      counts: row.counts as Record<string, number>,
      requestCount: row.request_count,
      error: row.error,
    }));
  }
}
