import { sql } from "kysely";
import type { UnknownReason, UsageInterval } from "../domain/billing/usage-ledger.ts";
import type { Db } from "./database.ts";
import { arrayLiteral } from "./reconciliation.repository.ts";

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

/** One usage read as the arrays `compareRead` sends: one element per pair (the caller keeps the last reading of a pair read twice). */
export interface LedgerReadArrays {
  /** A failed read: every expected pair turns unknown (failed); the arrays are empty. */
  failed: boolean;
  externalIds: string[];
  billingTypes: string[];
  /** null for an unknown reading. */
  quantities: (number | null)[];
  /** The unknown reading's reason, null for a known one. */
  reasons: (UnknownReason | null)[];
}

/** What `compareRead` found: the counts of each decision, the writes, and the strangers' ids. */
export interface LedgerComparison {
  counts: { unchanged: number; changed: number; opened: number; unknown: number; ignored: number };
  writes: LedgerWrites;
  /** External ids the read names that are no active module organization of the module. */
  strangers: Set<string>;
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

/** A PostgreSQL array literal of whole numbers and nulls (`{1,NULL,3}`): nothing to quote. */
function numberArrayLiteral(values: readonly (number | null)[]): string {
  return `{${values.map((value) => (value === null ? "NULL" : String(value))).join(",")}}`;
}

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
    await sql`select set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true),
      set_config('enable_nestloop', 'on', true)`.execute(this.db);
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
   * Compares one usage read of a module with the ledger in the database, in one statement: the
   * readings go in as four array parameters, and only what must be written comes back (about 5%
   * of the pairs a night), with the count of each decision. What it decides per pair is
   * `decideLedgerWrite` on the pair's interval in force and the reading `ledgerInputs` makes of the
   * read (the service's test checks both give the same ledger): a pair is expected when it is in
   * force, read, or of a `fixedTypes` billing type; a failed read makes every expected pair unknown
   * (`failed`), a complete read that leaves one out unknown (`skipped`); the last of two readings of
   * one pair counts. Readings for an external id that is no active module organization of the module
   * come back as `strangers` (the caller rejects them with that reason).
   *
   * It runs with hash joins allowed (call it before `preferIndexLookups`): the module's open
   * intervals are compared with the read as two hashed sets, not probed pair by pair.
   */
  async compareRead(
    moduleKey: string,
    read: LedgerReadArrays,
    fixedTypes: readonly string[],
    readAt: Date,
  ): Promise<LedgerComparison> {
    const at = iso(readAt);
    // The read and the module's open rows are joined as hashed sets, in memory (about 10 MB at
    // 25,000 module organizations x 3 billing types), never pair by pair: with the statistics of a
    // freshly filled table the planner would probe the ledger once per module organization (25,000
    // probes, measured at 1.0 of 2.4 s). `set local`: for this transaction only, and
    // `preferIndexLookups` turns nested loops back on for the writes. No JIT: the penalty that
    // turns nested loops off lifts the plan's cost over `jit_above_cost`, and PostgreSQL then spent
    // about 3 s compiling the statement (measured) to save milliseconds.
    await sql`select set_config('work_mem', '64MB', true), set_config('enable_nestloop', 'off', true),
      set_config('jit', 'off', true)`.execute(this.db);
    const failed = read.failed ? sql`true` : sql`false`;
    // The billing types every module organization must report: pairs neither in force nor read
    // (a Datto RMM site missing from the read). Left out of the statement when there are none, so
    // that the read and the open rows are each scanned once.
    const fixedPairs =
      fixedTypes.length === 0
        ? sql``
        : sql`
        union all
        select mo.id, t.billing_type, false, null::int, null::timestamptz, false, null::int, null::text, null::text
        from mo cross join unnest(${sql.val(arrayLiteral(fixedTypes))}::text[]) as t(billing_type)
        where not exists (select 1 from o where o.id = mo.id and o.billing_type = t.billing_type)
          and not exists (select 1 from r where r.external_id = mo.external_id and r.billing_type = t.billing_type)`;
    const query = sql<{
      action: string;
      n: number;
      unknown: number;
      ids: string[] | null;
      billing_types: string[] | null;
      quantities: (number | null)[] | null;
      reasons: (UnknownReason | null)[] | null;
    }>`
      with r as (
        select * from unnest(${sql.val(arrayLiteral(read.externalIds))}::text[],
                             ${sql.val(arrayLiteral(read.billingTypes))}::text[],
                             ${sql.val(numberArrayLiteral(read.quantities))}::int[],
                             ${sql.val(arrayLiteral(read.reasons))}::text[])
          as r(external_id, billing_type, quantity, reason)
      ),
      mo as (
        select id, external_id from module_organizations where module_key = ${moduleKey} and status = 'active'
      ),
      o as (
        select mo.id, mo.external_id, u.billing_type, u.quantity, u.valid_from
        from usage_ledger u join mo on mo.id = u.module_organization_id
        where u.module_key = ${moduleKey} and u.valid_to is null
      ),
      -- Every pair in force beside its reading, matched on (external id, billing type); a reading
      -- of no pair in force finds its module organization (a new pair) or none (a stranger).
      pairs as (
        select coalesce(o.id, m.id) as id, coalesce(o.billing_type, r.billing_type) as billing_type,
          o.id is not null as has_open, o.quantity as old_quantity, o.valid_from,
          r.external_id is not null as was_read, r.quantity, r.reason, r.external_id
        from o full join r on r.external_id = o.external_id and r.billing_type = o.billing_type
          left join mo m on o.id is null and m.external_id = r.external_id
        ${fixedPairs}
      ),
      reading as (
        select p.*,
          case when ${failed} then null when p.was_read then p.quantity end as new_quantity,
          case when ${failed} then 'failed' when not p.was_read then 'skipped'
               when p.quantity is null then p.reason end as new_reason
        from pairs p
      ),
      decided as (
        select id, billing_type, new_quantity, new_reason, external_id,
          case when id is null then 'stranger'
               when not has_open then 'open'
               when ${at}::timestamptz < valid_from then 'ignore'
               when old_quantity is not distinct from new_quantity then 'extend'
               when ${at}::timestamptz = valid_from then 'replace'
               else 'close' end as action
        from reading
      )
      -- One row per decision: its count, and the pairs to write as arrays (none for extend and ignore).
      select action, count(*)::int as n, (count(*) filter (where new_quantity is null))::int as unknown,
        array_agg(id) filter (where action in ('open', 'replace', 'close')) as ids,
        array_agg(case when action = 'stranger' then external_id else billing_type end)
          filter (where action in ('open', 'replace', 'close', 'stranger')) as billing_types,
        array_agg(new_quantity) filter (where action in ('open', 'replace', 'close')) as quantities,
        array_agg(new_reason) filter (where action in ('open', 'replace', 'close')) as reasons
      from decided group by action
    `;
    const result = await query.execute(this.db);
    const counts = { extend: 0, open: 0, close: 0, replace: 0, ignore: 0, unknown: 0 };
    const writes: LedgerWrites = { closes: [], replaces: [], opens: [] };
    const strangers = new Set<string>();
    for (const row of result.rows) {
      if (row.action === "stranger") {
        for (const externalId of row.billing_types ?? []) strangers.add(externalId);
        continue;
      }
      counts[row.action as keyof typeof counts] += Number(row.n);
      counts.unknown += Number(row.unknown);
      const ids = row.ids ?? [];
      for (let i = 0; i < ids.length; i++) {
        const quantity = row.quantities![i]!;
        const interval: LedgerInterval = {
          moduleOrganizationId: ids[i]!,
          billingType: row.billing_types![i]!,
          quantity: quantity === null ? null : Number(quantity),
          unknownReason: row.reasons![i]!,
          validFrom: readAt,
          validTo: null,
        };
        if (row.action === "open") writes.opens.push(interval);
        else if (row.action === "replace") writes.replaces.push(interval);
        else {
          writes.closes.push({
            moduleOrganizationId: interval.moduleOrganizationId,
            billingType: interval.billingType,
            at: readAt,
          });
          writes.opens.push(interval);
        }
      }
    }
    return {
      counts: {
        unchanged: counts.extend,
        changed: counts.close + counts.replace,
        opened: counts.open,
        unknown: counts.unknown,
        ignored: counts.ignore,
      },
      writes,
      strangers,
    };
  }

  async applyWrites(moduleKey: string, writes: LedgerWrites, syncRunId: string | null): Promise<void> {
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
          (module_organization_id, module_key, billing_type, quantity, unknown_reason, valid_from, read_at, sync_run_id)
        select r.id, ${moduleKey}, r.billing_type, r.quantity, r.unknown_reason, r.valid_from, r.valid_from, ${syncRunId}::uuid
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
