import { sql } from "kysely";
import { isUuid } from "../domain/ids.ts";
import type { Db } from "./database.ts";
import type { ApprovalState } from "./schema.ts";

export interface ApprovalInput {
  moduleKey: string;
  billingType: string;
  organizationId: string | null;
  organizationName: string;
  contractPsaId: string;
  contractServicePsaId: string;
  servicePsaId: string;
  serviceName: string;
  periodKey: string;
  unitsBefore: number;
  targetUnits: number;
  unitPrice: string | null;
  reason: string;
}

export interface ApprovalRecord extends ApprovalInput {
  id: string;
  state: ApprovalState;
  decidedBy: string | null;
  decidedAt: Date | null;
  createdAt: Date;
}

/** Decreases held for an admin (rule 16): one open (pending or approved) per contract service and period. */
export class PostingApprovalRepository {
  constructor(private readonly db: Db) {}

  /**
   * Holds a change: keeps the open approval when it is for the same change (units before and
   * target), else supersedes it and opens a new one. Returns the open approval.
   */
  async hold(input: ApprovalInput, at: Date): Promise<ApprovalRecord> {
    const open = await this.open(input.contractServicePsaId, input.periodKey);
    if (open && open.unitsBefore === input.unitsBefore && open.targetUnits === input.targetUnits) return open;
    if (open) await this.setState(open.id, "superseded", null, at);
    const row = await this.db
      .insertInto("posting_approvals")
      .values({
        module_key: input.moduleKey,
        billing_type: input.billingType,
        organization_id: input.organizationId,
        organization_name: input.organizationName,
        contract_psa_id: input.contractPsaId,
        contract_service_psa_id: input.contractServicePsaId,
        service_psa_id: input.servicePsaId,
        service_name: input.serviceName,
        period_key: input.periodKey,
        units_before: input.unitsBefore,
        target_units: input.targetUnits,
        unit_price: input.unitPrice,
        reason: input.reason,
        created_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return (await this.find(row.id))!;
  }

  /** The open (pending or approved) approval of a contract service and period. */
  async open(contractServicePsaId: string, periodKey: string): Promise<ApprovalRecord | undefined> {
    const row = await this.select()
      .where("contract_service_psa_id", "=", contractServicePsaId)
      .where("period_key", "=", periodKey)
      .where("state", "in", ["pending", "approved"])
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** The latest decided-or-open approval per contract service in the period (what decidePosting needs). */
  async latest(
    contractServicePsaIds: readonly string[],
    periodKey: string,
  ): Promise<Map<string, ApprovalRecord>> {
    if (contractServicePsaIds.length === 0) return new Map();
    const rows = await this.select()
      .where("contract_service_psa_id", "in", [...contractServicePsaIds])
      .where("period_key", "=", periodKey)
      .where("state", "in", ["pending", "approved", "rejected"])
      .orderBy("created_at", "asc")
      .execute();
    return new Map(rows.map((row) => [row.contract_service_psa_id, toRecord(row)]));
  }

  async find(id: string): Promise<ApprovalRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await this.select().where("id", "=", id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async list(filter: { state?: ApprovalState }, limit: number, offset: number): Promise<ApprovalRecord[]> {
    let query = this.select();
    if (filter.state) query = query.where("state", "=", filter.state);
    const rows = await query
      .orderBy("created_at", "desc")
      .orderBy("id")
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toRecord);
  }

  /** Moves an approval from the state(s) it may leave; false when it was not in one of them. */
  async setState(
    id: string,
    state: ApprovalState,
    decidedBy: string | null,
    at: Date,
    from: readonly ApprovalState[] = ["pending", "approved"],
  ): Promise<boolean> {
    const rows = await this.db
      .updateTable("posting_approvals")
      .set({
        state,
        ...(decidedBy === null ? {} : { decided_by: decidedBy, decided_at: at }),
      })
      .where("id", "=", id)
      .where("state", "in", [...from])
      .returning("id")
      .execute();
    return rows.length === 1;
  }

  private select() {
    return selectApprovals(this.db);
  }
}

function selectApprovals(db: Db) {
  return db
    .selectFrom("posting_approvals")
    .selectAll()
    .select(sql<string | null>`unit_price::text`.as("unit_price"));
}

type Row = Awaited<ReturnType<ReturnType<typeof selectApprovals>["executeTakeFirstOrThrow"]>>;

function toRecord(row: Row): ApprovalRecord {
  return {
    id: row.id,
    moduleKey: row.module_key,
    billingType: row.billing_type,
    organizationId: row.organization_id,
    organizationName: row.organization_name,
    contractPsaId: row.contract_psa_id,
    contractServicePsaId: row.contract_service_psa_id,
    servicePsaId: row.service_psa_id,
    serviceName: row.service_name,
    periodKey: row.period_key,
    unitsBefore: row.units_before,
    targetUnits: row.target_units,
    unitPrice: row.unit_price,
    reason: row.reason,
    state: row.state,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at ? new Date(row.decided_at) : null,
    createdAt: new Date(row.created_at),
  };
}
