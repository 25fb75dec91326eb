import { sql } from "kysely";
import { isUuid } from "../domain/ids.ts";
import type { Db } from "./database.ts";
import type { PostingAttemptState } from "./schema.ts";

export interface NewAttempt {
  attemptKey: string;
  kind: "post" | "undo";
  undoesAttemptId: string | null;
  moduleKey: string;
  billingType: string;
  organizationId: string | null;
  contractPsaId: string;
  contractServicePsaId: string;
  servicePsaId: string;
  periodKey: string;
  unitsBefore: number;
  targetUnits: number;
  unitChange: number;
  effectiveDate: string;
  /** Decimal string or null. */
  unitPrice: string | null;
  runId: string | null;
}

export interface AttemptRecord extends NewAttempt {
  id: string;
  state: PostingAttemptState;
  psaAdjustmentId: string | null;
  psaAnswer: string | null;
  confirmedBy: "answer" | "read_back" | null;
  owner: string;
  createdAt: Date;
  answeredAt: Date | null;
}

const leaseUntil = (leaseMs: number) => sql<Date>`now() + ${leaseMs} * interval '1 millisecond'`;

/**
 * Posting attempts (stored before the call, answered after it) and the per-contract-service
 * leases that keep two processes from posting for the same contract service at once. Only SQL.
 */
export class PostingAttemptRepository {
  constructor(private readonly db: Db) {}

  /**
   * Claims the leases of these contract services for `owner` (free ones, expired ones, or ones it
   * already holds); returns the ids it now holds. One statement: atomic across processes.
   */
  async claimLeases(
    contractServicePsaIds: readonly string[],
    owner: string,
    leaseMs: number,
  ): Promise<string[]> {
    if (contractServicePsaIds.length === 0) return [];
    const result = await sql<{ contract_service_psa_id: string }>`
      insert into posting_leases as l (contract_service_psa_id, owner, expires_at)
      select id, ${owner}, ${leaseUntil(leaseMs)} from unnest(${[...new Set(contractServicePsaIds)]}::text[]) as t(id)
      on conflict (contract_service_psa_id) do update set owner = excluded.owner, expires_at = excluded.expires_at
        where l.owner = excluded.owner or l.expires_at < now()
      returning contract_service_psa_id
    `.execute(this.db);
    return result.rows.map((row) => row.contract_service_psa_id);
  }

  /** Extends the leases `owner` still holds among these; returns how many it still holds. */
  async renewLeases(
    contractServicePsaIds: readonly string[],
    owner: string,
    leaseMs: number,
  ): Promise<number> {
    if (contractServicePsaIds.length === 0) return 0;
    const rows = await this.db
      .updateTable("posting_leases")
      .set({ expires_at: leaseUntil(leaseMs) })
      .where("contract_service_psa_id", "in", [...contractServicePsaIds])
      .where("owner", "=", owner)
      .returning("contract_service_psa_id")
      .execute();
    return rows.length;
  }

  async releaseLeases(contractServicePsaIds: readonly string[], owner: string): Promise<void> {
    if (contractServicePsaIds.length === 0) return;
    await this.db
      .deleteFrom("posting_leases")
      .where("contract_service_psa_id", "in", [...contractServicePsaIds])
      .where("owner", "=", owner)
      .execute();
  }

  /**
   * Stores an attempt as `pending` before its call, only while the contract service's lease is
   * still `owner`'s (no other process claimed it since, even if a renewal came late under load)
   * and no other attempt for it and the period is pending (a partial unique index). Returns the
   * attempt's id, or undefined when either does not hold: do not call. A process that claims the
   * lease afterwards finds this attempt pending and leaves it until it cannot be in flight.
   */
  async open(attempt: NewAttempt, owner: string, at: Date): Promise<string | undefined> {
    const result = await sql<{ id: string }>`
      insert into posting_attempts (
        attempt_key, kind, undoes_attempt_id, module_key, billing_type, organization_id, contract_psa_id,
        contract_service_psa_id, service_psa_id, period_key, units_before, target_units, unit_change,
        effective_date, unit_price, state, run_id, owner, created_at
      )
      select ${attempt.attemptKey}, ${attempt.kind}, ${attempt.undoesAttemptId}, ${attempt.moduleKey},
        ${attempt.billingType}, ${attempt.organizationId}, ${attempt.contractPsaId},
        ${attempt.contractServicePsaId}, ${attempt.servicePsaId}, ${attempt.periodKey}, ${attempt.unitsBefore},
        ${attempt.targetUnits}, ${attempt.unitChange}, ${attempt.effectiveDate}::date, ${attempt.unitPrice}::numeric,
        'pending', ${attempt.runId}, ${owner}, ${at}
      where exists (
        select 1 from posting_leases
        where contract_service_psa_id = ${attempt.contractServicePsaId} and owner = ${owner}
      )
      on conflict (contract_service_psa_id, period_key) where state = 'pending' do nothing
      returning id
    `.execute(this.db);
    return result.rows[0]?.id;
  }

  /** Stores the PSA's answer (or what a read-back showed) on a pending attempt. */
  async close(
    id: string,
    result: {
      state: Exclude<PostingAttemptState, "pending">;
      psaAdjustmentId: string | null;
      psaAnswer: string | null;
      confirmedBy: "answer" | "read_back" | null;
      at: Date;
    },
  ): Promise<boolean> {
    const rows = await this.db
      .updateTable("posting_attempts")
      .set({
        state: result.state,
        psa_adjustment_id: result.psaAdjustmentId,
        psa_answer: result.psaAnswer,
        confirmed_by: result.confirmedBy,
        answered_at: result.at,
      })
      .where("id", "=", id)
      .where("state", "=", "pending")
      .returning("id")
      .execute();
    return rows.length === 1;
  }

  /** Pending attempts of these contract services in the period (left by a run that stopped). */
  async pending(contractServicePsaIds: readonly string[], periodKey: string): Promise<AttemptRecord[]> {
    if (contractServicePsaIds.length === 0) return [];
    const rows = await this.select()
      .where("contract_service_psa_id", "in", [...contractServicePsaIds])
      .where("period_key", "=", periodKey)
      .where("state", "=", "pending")
      .execute();
    return rows.map(toRecord);
  }

  async find(id: string): Promise<AttemptRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await this.select().where("id", "=", id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** The undo attempt of a posted attempt, when one was posted (an adjustment is undone once). */
  async undoOf(attemptId: string): Promise<AttemptRecord | undefined> {
    const row = await this.select()
      .where("undoes_attempt_id", "=", attemptId)
      .where("state", "in", ["pending", "posted"])
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Every attempt, newest first (tests and the CLI's summary). */
  async all(limit = 10_000): Promise<AttemptRecord[]> {
    const rows = await this.select().orderBy("created_at", "desc").orderBy("id").limit(limit).execute();
    return rows.map(toRecord);
  }

  private select() {
    return selectAttempts(this.db);
  }
}

function selectAttempts(db: Db) {
  return db
    .selectFrom("posting_attempts")
    .selectAll()
    .select([
      sql<string>`effective_date::text`.as("effective_date"),
      sql<string | null>`unit_price::text`.as("unit_price"),
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof selectAttempts>["executeTakeFirstOrThrow"]>>;

function toRecord(row: Row): AttemptRecord {
  return {
    id: row.id,
    attemptKey: row.attempt_key,
    kind: row.kind,
    undoesAttemptId: row.undoes_attempt_id,
    moduleKey: row.module_key,
    billingType: row.billing_type,
    organizationId: row.organization_id,
    contractPsaId: row.contract_psa_id,
    contractServicePsaId: row.contract_service_psa_id,
    servicePsaId: row.service_psa_id,
    periodKey: row.period_key,
    unitsBefore: row.units_before,
    targetUnits: row.target_units,
    unitChange: row.unit_change,
    effectiveDate: row.effective_date,
    unitPrice: row.unit_price,
    runId: row.run_id,
    state: row.state,
    psaAdjustmentId: row.psa_adjustment_id,
    psaAnswer: row.psa_answer,
    confirmedBy: row.confirmed_by,
    owner: row.owner,
    createdAt: new Date(row.created_at),
    answeredAt: row.answered_at ? new Date(row.answered_at) : null,
  };
}
