import { sql } from "kysely";
import type { UnknownReason, UsageInterval } from "../domain/billing/usage-ledger.ts";
import type { Db } from "./database.ts";

/** One (module organization, billing type) pair's interval, as the ledger stores it. */
export interface LedgerInterval extends UsageInterval {
  moduleOrganizationId: string;
  billingType: string;
}

/** The writes of one chunk of readings, made in three statements whatever its size. */
export interface LedgerWrites {
  /** End the open interval of each pair at `at`. */
  closes: { moduleOrganizationId: string; billingType: string; at: Date }[];
  /** Overwrite the open interval of each pair in place (a second reading at the same instant). */
  replaces: LedgerInterval[];
  /** New open intervals (after the closes, so the one-open-row index holds). */
  opens: LedgerInterval[];
}

/** A module organization of a page, with its intervals in force. */
export interface PageModuleOrganization {
  id: string;
  externalId: string;
  open: LedgerInterval[];
}

interface LedgerRow {
  module_organization_id: string;
  billing_type: string;
  quantity: number | null;
  unknown_reason: UnknownReason | null;
  valid_from: Date;
  valid_to: Date | null;
}

const toInterval = (row: LedgerRow): LedgerInterval => ({
  moduleOrganizationId: row.module_organization_id,
  billingType: row.billing_type,
  quantity: row.quantity === null ? null : Number(row.quantity),
  unknownReason: row.unknown_reason,
  validFrom: new Date(row.valid_from),
  validTo: row.valid_to === null ? null : new Date(row.valid_to),
});

const iso = (date: Date) => date.toISOString();

/**
 * The usage ledger: intervals of constant quantity per (module organization, billing type), a row
 * per change (docs/BILLING.md). Writes are set-based: a chunk of thousands of readings is one read
 * of its open intervals and at most three writes, never a query per reading.
 */
export class UsageLedgerRepository {
  constructor(private readonly db: Db) {}

  /**
   * For the rest of the transaction, joins look rows up by index instead of hashing the table.
   * A page touches 15,000 pairs of a ledger of up to 1.5 million rows; the planner would otherwise
   * hash every open interval (600,000) for each page, even with fresh statistics (measured on
   * PostgreSQL: 108 ms against 18 ms for one page's closes at 120,000 open rows, and growing with
   * the table). `set local` ends with the transaction.
   */
  async preferIndexLookups(): Promise<void> {
    // Both in one statement (`set_config(…, true)` is `set local`): one round trip fewer each run.
    await sql`select set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`.execute(
      this.db,
    );
  }

  /**
   * Refreshes the ledger's statistics. A plan made while the table looked empty scans every open
   * interval for each pair closed (3.3 s for 750 closes at 30,000 rows, measured); PGlite has no
   * autovacuum to fix that, so a read that added many rows calls this before the next one plans.
   */
  async analyze(): Promise<void> {
    await sql`analyze usage_ledger`.execute(this.db);
  }

  /**
   * One page of a module's active module organizations (by external id, after `afterExternalId`)
   * with the interval in force of each of their pairs: what the nightly write compares a read with.
   * One query per page, keyed on the (module, external id) index, with no list of ids to send.
   * Each module organization carries its own intervals (`open`); `intervals` lists them all.
   */
  async openIntervalsPage(
    moduleKey: string,
    afterExternalId: string | null,
    limit: number,
  ): Promise<{ moduleOrganizations: PageModuleOrganization[]; intervals: LedgerInterval[] }> {
    const after = afterExternalId === null ? sql`` : sql`and external_id > ${afterExternalId}`;
    // Epoch milliseconds: this runs for every pair every night, and they parse far faster than dates.
    const result = await sql<{
      id: string;
      external_id: string;
      billing_type: string | null;
      quantity: number | null;
      unknown_reason: UnknownReason | null;
      valid_from_ms: number | null;
    }>`
      select p.id, p.external_id, u.billing_type, u.quantity, u.unknown_reason,
        (extract(epoch from u.valid_from) * 1000)::float8 as valid_from_ms
      from (
        select id, external_id from module_organizations
        where module_key = ${moduleKey} and status = 'active' ${after}
        order by external_id limit ${limit}
      ) p
      left join usage_ledger u on u.module_organization_id = p.id and u.valid_to is null
      order by p.external_id
    `.execute(this.db);
    const moduleOrganizations: PageModuleOrganization[] = [];
    const intervals: LedgerInterval[] = [];
    let current: PageModuleOrganization | undefined;
    for (const row of result.rows) {
      if (current?.id !== row.id) {
        current = { id: row.id, externalId: row.external_id, open: [] };
        moduleOrganizations.push(current);
      }
      if (row.billing_type === null) continue;
      const interval: LedgerInterval = {
        moduleOrganizationId: row.id,
        billingType: row.billing_type,
        quantity: row.quantity,
        unknownReason: row.unknown_reason,
        validFrom: new Date(Number(row.valid_from_ms)),
        validTo: null,
      };
      current.open.push(interval);
      intervals.push(interval);
    }
    return { moduleOrganizations, intervals };
  }

  async applyWrites(writes: LedgerWrites, syncRunId: string | null): Promise<void> {
    const { closes, replaces, opens } = writes;
    if (closes.length > 0) {
      await sql`
        update usage_ledger u set valid_to = c.at
        from unnest(${sql.val(closes.map((c) => c.moduleOrganizationId))}::uuid[],
                    ${sql.val(closes.map((c) => c.billingType))}::text[],
                    ${sql.val(closes.map((c) => iso(c.at)))}::timestamptz[]) as c(id, billing_type, at)
        where u.module_organization_id = c.id and u.billing_type = c.billing_type and u.valid_to is null
      `.execute(this.db);
    }
    if (replaces.length > 0) {
      await sql`
        update usage_ledger u
        set quantity = r.quantity, unknown_reason = r.unknown_reason, read_at = r.valid_from,
            sync_run_id = ${syncRunId}::uuid
        from ${unnestIntervals(replaces)}
        where u.module_organization_id = r.id and u.billing_type = r.billing_type
          and u.valid_from = r.valid_from and u.valid_to is null
      `.execute(this.db);
    }
    if (opens.length > 0) {
      await sql`
        insert into usage_ledger
          (module_organization_id, billing_type, quantity, unknown_reason, valid_from, read_at, sync_run_id)
        select r.id, r.billing_type, r.quantity, r.unknown_reason, r.valid_from, r.valid_from, ${syncRunId}::uuid
        from ${unnestIntervals(opens)}
      `.execute(this.db);
    }
  }

  /**
   * The intervals of these module organizations that overlap [from, to), plus, per pair, the last
   * known interval that ended before `from`: an unknown stretch that began before the period still
   * has its last known quantity at hand (rule 13). Oldest first per pair.
   */
  async intervalsForPeriod(
    moduleOrganizationIds: readonly string[],
    period: { start: Date; end: Date },
  ): Promise<LedgerInterval[]> {
    if (moduleOrganizationIds.length === 0) return [];
    const ids = sql.val(moduleOrganizationIds);
    const start = iso(period.start);
    const result = await sql<LedgerRow>`
      select * from (
        select module_organization_id, billing_type, quantity, unknown_reason, valid_from, valid_to
        from usage_ledger
        where module_organization_id = any(${ids}::uuid[])
          and valid_from < ${iso(period.end)}::timestamptz
          and (valid_to is null or valid_to > ${start}::timestamptz)
        union all
        (select distinct on (module_organization_id, billing_type)
            module_organization_id, billing_type, quantity, unknown_reason, valid_from, valid_to
          from usage_ledger
          where module_organization_id = any(${ids}::uuid[])
            and quantity is not null and valid_to <= ${start}::timestamptz
          order by module_organization_id, billing_type, valid_from desc)
      ) found
      order by module_organization_id, billing_type, valid_from
    `.execute(this.db);
    return result.rows.map(toInterval);
  }

  /** Every interval of one pair, oldest first (the drill-down to a module organization's readings). */
  async history(moduleOrganizationId: string, billingType: string): Promise<LedgerInterval[]> {
    const rows = await this.db
      .selectFrom("usage_ledger")
      .select([
        "module_organization_id",
        "billing_type",
        "quantity",
        "unknown_reason",
        "valid_from",
        "valid_to",
      ])
      .where("module_organization_id", "=", moduleOrganizationId)
      .where("billing_type", "=", billingType)
      .orderBy("valid_from")
      .execute();
    return (rows as LedgerRow[]).map(toInterval);
  }

  /** Ledger rows, of one module or in all. */
  async countRows(moduleKey?: string): Promise<number> {
    let query = this.db.selectFrom("usage_ledger as u").select((eb) => eb.fn.countAll<number>().as("n"));
    if (moduleKey !== undefined) {
      query = query
        .innerJoin("module_organizations as mo", "mo.id", "u.module_organization_id")
        .where("mo.module_key", "=", moduleKey);
    }
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Logs one usage read of a module: its outcome and counts, and the confirmation of every unchanged row. */
  async insertUsageRead(read: {
    moduleKey: string;
    syncRunId: string | null;
    readAt: Date;
    outcome: "complete" | "failed";
    error: string | null;
    requestCount: number;
    counts: Record<string, number>;
    rejected: { reason: string; raw: unknown }[];
  }): Promise<void> {
    await this.db
      .insertInto("usage_reads")
      .values({
        module_key: read.moduleKey,
        sync_run_id: read.syncRunId,
        read_at: read.readAt,
        outcome: read.outcome,
        error: read.error,
        request_count: read.requestCount,
        counts: JSON.stringify(read.counts),
        rejected: JSON.stringify(read.rejected),
      })
      .execute();
  }

  /**
   * The module's last usage read. A row still in force was confirmed by it when it was complete
   * (an unconfirmed pair would have turned unknown), so no nightly update of 600,000 rows is needed.
   */
  async lastUsageRead(moduleKey: string) {
    return this.db
      .selectFrom("usage_reads")
      .selectAll()
      .where("module_key", "=", moduleKey)
      .orderBy("read_at", "desc")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
  }
}

function unnestIntervals(intervals: readonly LedgerInterval[]) {
  return sql`unnest(
    ${sql.val(intervals.map((i) => i.moduleOrganizationId))}::uuid[],
    ${sql.val(intervals.map((i) => i.billingType))}::text[],
    ${sql.val(intervals.map((i) => i.quantity))}::int[],
    ${sql.val(intervals.map((i) => i.unknownReason))}::text[],
    ${sql.val(intervals.map((i) => iso(i.validFrom)))}::timestamptz[]
  ) as r(id, billing_type, quantity, unknown_reason, valid_from)`;
}
