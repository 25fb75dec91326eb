import { sql } from "kysely";
import { isUuid } from "../domain/ids.ts";
import type { Db } from "./database.ts";
import type { ActivityOutcome } from "./schema.ts";

export interface ActivityInput {
  /** "YYYY-MM-DD" in the instance's time zone. */
  day: string;
  moduleKey: string;
  billingType: string;
  organizationId: string | null;
  organizationName: string;
  contractPsaId: string | null;
  contractServicePsaId: string | null;
  servicePsaId: string | null;
  serviceName: string | null;
  periodKey: string;
  direction: "up" | "down" | "same";
  unitsBefore: number | null;
  unitsAfter: number | null;
  unitPrice: string | null;
  outcome: ActivityOutcome;
  reason: string | null;
  attemptId: string | null;
  runId: string | null;
}

export interface ActivityRecord extends ActivityInput {
  id: string;
  updatedAt: Date;
}

export interface ActivityFilter {
  moduleKey?: string;
  outcome?: ActivityOutcome;
  onlyFailed?: boolean;
  from?: string;
  to?: string;
  organizationId?: string;
}

/**
 * The activity log (rule 17): one row per (day, module, billing type, organization, contract,
 * service); a later run of the same day replaces the row's outcome. Kept: nothing deletes rows
 * (rule 17 asks for at least 13 months).
 */
export class ActivityLogRepository {
  constructor(private readonly db: Db) {}

  async record(row: ActivityInput, at: Date): Promise<string> {
    const result = await sql<{ id: string }>`
      insert into activity_log (
        day, module_key, billing_type, organization_id, organization_name, contract_psa_id,
        contract_service_psa_id, service_psa_id, service_name, period_key, direction, units_before,
        units_after, unit_price, outcome, reason, attempt_id, run_id, updated_at
      ) values (
        ${row.day}::date, ${row.moduleKey}, ${row.billingType}, ${row.organizationId}, ${row.organizationName},
        ${row.contractPsaId}, ${row.contractServicePsaId}, ${row.servicePsaId}, ${row.serviceName}, ${row.periodKey},
        ${row.direction}, ${row.unitsBefore}, ${row.unitsAfter}, ${row.unitPrice}::numeric, ${row.outcome},
        ${row.reason}, ${row.attemptId}, ${row.runId}, ${at}
      )
      on conflict (
        day, module_key, billing_type, (coalesce(organization_id::text, organization_name)),
        (coalesce(contract_psa_id, '')), (coalesce(service_psa_id, ''))
      ) do update set
        contract_service_psa_id = excluded.contract_service_psa_id, service_name = excluded.service_name,
        period_key = excluded.period_key, direction = excluded.direction, units_before = excluded.units_before,
        units_after = excluded.units_after, unit_price = excluded.unit_price, outcome = excluded.outcome,
        reason = excluded.reason, attempt_id = coalesce(excluded.attempt_id, activity_log.attempt_id),
        run_id = excluded.run_id, updated_at = excluded.updated_at
      returning id
    `.execute(this.db);
    return result.rows[0]!.id;
  }

  /** Newest day first; within a day failed rows first, then by organization and service. */
  async list(
    filter: ActivityFilter,
    limit: number,
    offset: number,
  ): Promise<{ rows: ActivityRecord[]; total: number }> {
    let query = this.select();
    if (filter.moduleKey) query = query.where("module_key", "=", filter.moduleKey);
    if (filter.onlyFailed) query = query.where("outcome", "=", "failed");
    else if (filter.outcome) query = query.where("outcome", "=", filter.outcome);
    if (filter.from) query = query.where(sql<boolean>`day >= ${filter.from}::date`);
    if (filter.to) query = query.where(sql<boolean>`day <= ${filter.to}::date`);
    if (filter.organizationId) query = query.where("organization_id", "=", filter.organizationId);
    const rows = await query
      .select(sql<number>`count(*) over ()`.as("total"))
      .orderBy("activity_log.day", "desc")
      .orderBy(sql`(outcome = 'failed')`, "desc")
      .orderBy("organization_name")
      .orderBy("service_name")
      .orderBy("id")
      .limit(limit)
      .offset(offset)
      .execute();
    return { rows: rows.map(toRecord), total: Number(rows[0]?.total ?? 0) };
  }

  async find(id: string): Promise<ActivityRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await this.select().where("id", "=", id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Settles a failed row that a retry wrote elsewhere (its contract or service changed meanwhile). */
  async settleRetried(id: string, outcome: ActivityOutcome, reason: string, at: Date): Promise<void> {
    await this.db
      .updateTable("activity_log")
      .set({ outcome, reason, updated_at: at })
      .where("id", "=", id)
      .where("outcome", "=", "failed")
      .execute();
  }

  /** The row an attempt was logged on (the latest, should a later day reuse it). */
  async findByAttempt(attemptId: string): Promise<ActivityRecord | undefined> {
    const row = await this.select()
      .where("attempt_id", "=", attemptId)
      .orderBy("updated_at", "desc")
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  private select() {
    return selectActivity(this.db);
  }
}

function selectActivity(db: Db) {
  return db
    .selectFrom("activity_log")
    .selectAll()
    .select([sql<string>`day::text`.as("day"), sql<string | null>`unit_price::text`.as("unit_price")]);
}

type Row = Awaited<ReturnType<ReturnType<typeof selectActivity>["executeTakeFirstOrThrow"]>>;

function toRecord(row: Row): ActivityRecord {
  return {
    id: row.id,
    day: row.day,
    moduleKey: row.module_key,
    billingType: row.billing_type,
    organizationId: row.organization_id,
    organizationName: row.organization_name,
    contractPsaId: row.contract_psa_id,
    contractServicePsaId: row.contract_service_psa_id,
    servicePsaId: row.service_psa_id,
    serviceName: row.service_name,
    periodKey: row.period_key,
    direction: row.direction,
    unitsBefore: row.units_before,
    unitsAfter: row.units_after,
    unitPrice: row.unit_price,
    outcome: row.outcome,
    reason: row.reason,
    attemptId: row.attempt_id,
    runId: row.run_id,
    updatedAt: new Date(row.updated_at),
  };
}
