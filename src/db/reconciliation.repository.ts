import { randomBytes } from "node:crypto";
import { type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool, sql } from "kysely";
import type { MappingInterval } from "../domain/billing/attribution.ts";
import { billingTypeLabel } from "../domain/billing/billing-types.ts";
import type { TypePart } from "../domain/billing/reconcile-columns.ts";
import { RECONCILIATION_STATES, type ReconciliationState } from "../domain/billing/reconciliation.ts";
import { REASON_CODE, UnorderedUsage, type UsageColumns } from "../domain/billing/usage-columns.ts";
import type { UnknownReason, UsageInterval } from "../domain/billing/usage-ledger.ts";
import { isUuid } from "../domain/ids.ts";
import { CopyTextRows, copyField, copyFromStdin, copyToStdout, textArrayLiteral } from "./copy.ts";
import type { Db } from "./database.ts";
import { likePattern } from "./name-search.ts";
import type { Database, ReconciliationRowsTable } from "./schema.ts";

/** Rows per chunk of the COPY's text. */
const CHUNK = 5_000;
const iso = (date: Date) => date.toISOString();

function reasonCode(reason: string): number {
  const code = REASON_CODE[reason as UnknownReason];
  if (code === undefined) throw new Error(`usage read: unknown reason "${reason}"`);
  return code;
}

/**
 * The indexes of a period's partition, the same as the parent's (migration 0013) so that the attach
 * adopts them instead of building its own.
 */
const PARTITION_INDEXES: ((table: string) => string)[] = [
  (t) => `alter table ${t} add primary key (period_key, row_key)`,
  (t) => `create index on ${t} (state_rank, abs_money desc nulls last, units_at_stake desc, row_key)`,
  (t) => `create index on ${t} (organization_id)`,
  (t) => `create index on ${t} (module_organization_id)`,
  (t) => `create index on ${t} (psa_service_id)`,
  (t) => `create index on ${t} (sort_name, row_key)`,
  (t) => `create index on ${t} using gin (module_keys)`,
  (t) => `create index on ${t} using gin (kinds)`,
];

/** The stored columns, in the order of `copyRow`'s fields. */
const STORED_COLUMNS = [
  "period_key",
  "row_key",
  "state",
  "state_rank",
  "organization_id",
  "psa_service_id",
  "psa_service_name",
  "contract_psa_id",
  "contract_name",
  "module_keys",
  "kinds",
  "billing_types",
  "module_organization_id",
  "source_count",
  "desired_units",
  "psa_units",
  "difference_units",
  "units_at_stake",
  "unit_price",
  "price_source",
  "money",
  "abs_money",
  "is_stale",
  "is_invoiced",
  "sort_name",
] as const;

const num = (value: number | null) => (value === null ? "\\N" : String(value));
const bool = (value: boolean) => (value ? "t" : "f");

/** One row of the COPY's text format (`copy.ts`), its fields in `STORED_COLUMNS`' order. */
function copyRow(row: StoredRow): string {
  return `${copyField(row.period_key)}\t${copyField(row.row_key)}\t${copyField(row.state)}\t${row.state_rank}\t${
    row.organization_id ?? "\\N"
  }\t${copyField(row.psa_service_id)}\t${copyField(row.psa_service_name)}\t${copyField(row.contract_psa_id)}\t${copyField(
    row.contract_name,
  )}\t${copyField(textArrayLiteral(row.module_keys))}\t${copyField(textArrayLiteral(row.kinds))}\t${copyField(
    JSON.stringify(row.billing_types),
  )}\t${
    row.module_organization_id ?? "\\N"
  }\t${row.source_count}\t${num(row.desired_units)}\t${num(row.psa_units)}\t${num(row.difference_units)}\t${
    row.units_at_stake
  }\t${row.unit_price ?? "\\N"}\t${copyField(row.price_source)}\t${row.money ?? "\\N"}\t${row.abs_money ?? "\\N"}\t${bool(
    row.is_stale,
  )}\t${bool(row.is_invoiced)}\t${copyField(row.sort_name)}\n`;
}

/** The rows as COPY text, a chunk at a time (made as the stream asks). */
function* copyChunks(rows: readonly StoredRow[]): Generator<string> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    let text = "";
    const end = Math.min(rows.length, i + CHUNK);
    for (let j = i; j < end; j++) text += copyRow(rows[j]!);
    yield text;
  }
}

/** The ledger rows whose interval overlaps the period. */
function overlapsPeriod(period: { start: Date; end: Date }, alias = "") {
  const column = (name: string) => sql.ref(alias ? `${alias}.${name}` : name);
  return sql`${column("valid_from")} < ${sql.lit(iso(period.end))}::timestamptz
    and (${column("valid_to")} is null or ${column("valid_to")} > ${sql.lit(iso(period.start))}::timestamptz)`;
}

/**
 * Part of the period's usage (a snapshot changed in place): the pairs of these module organizations
 * and every pair of these (module, billing type) kinds. As literals, since the whole period's read
 * by COPY takes no parameters.
 */
export interface UsageScope {
  /** Every pair of these module organizations. */
  moduleOrganizationIds: readonly string[];
  /** Per billing type, the pairs of these module organizations of that type. */
  pairs?: readonly { billingType: string; moduleOrganizationIds: readonly string[] }[];
  /** Every pair of these kinds. */
  kinds: readonly { moduleKey: string; billingType: string }[];
}

const uuidList = (ids: readonly string[]) => sql`${sql.lit(arrayLiteral(ids))}::uuid[]`;

/** `and (...)`: the ledger rows of a usage scope (none: every row). */
function inUsageScope(only: UsageScope | undefined) {
  if (only === undefined) return sql``;
  const parts = [sql`module_organization_id = any(${uuidList(only.moduleOrganizationIds)})`];
  for (const { billingType, moduleOrganizationIds } of only.pairs ?? []) {
    if (moduleOrganizationIds.length === 0) continue;
    parts.push(
      sql`(billing_type = ${sql.lit(billingType)} and module_organization_id = any(${uuidList(moduleOrganizationIds)}))`,
    );
  }
  if (only.kinds.length > 0) {
    parts.push(
      sql`(module_key, billing_type) in (${sql.join(
        only.kinds.map((k) => sql`(${sql.lit(k.moduleKey)}, ${sql.lit(k.billingType)})`),
      )})`,
    );
  }
  return sql`and (${sql.join(parts, sql` or `)})`;
}

/**
 * For each pair of `unknownPairs` (a query of module organization id and billing type: the pairs
 * unknown in the period), its last known interval before the period (rule 13: unknown keeps the
 * last known units), with `columns` selected from it (alias `l`).
 */
function lastKnownBefore(
  period: { start: Date },
  unknownPairs: RawBuilder<unknown>,
  columns: RawBuilder<unknown>,
) {
  return sql`select distinct on (l.module_organization_id, l.billing_type) ${columns}
    from usage_ledger l
    join (${unknownPairs}) x on x.module_organization_id = l.module_organization_id and x.billing_type = l.billing_type
    where l.quantity is not null and l.valid_to <= ${sql.lit(iso(period.start))}::timestamptz
    order by l.module_organization_id, l.billing_type, l.valid_from desc`;
}

/**
 * The `found` CTE of the ledger's intervals overlapping the period, plus, for pairs unknown in
 * it, the last known interval before it (rule 13), optionally narrowed (a drill-down). The period's
 * instants are literals (ISO text of Dates), as in the whole period's read by COPY, which takes no
 * parameters.
 */
function periodIntervals(period: { start: Date; end: Date }, narrow = sql``) {
  return sql`with overlapping as (
      select module_organization_id, billing_type, quantity, unknown_reason, valid_from, valid_to
      from usage_ledger
      where ${overlapsPeriod(period)}
        ${narrow}
    ), found as (
      select * from overlapping
      union all
      select * from (${lastKnownBefore(
        period,
        sql`select distinct module_organization_id, billing_type from overlapping where quantity is null`,
        sql`l.module_organization_id, l.billing_type, l.quantity, l.unknown_reason, l.valid_from, l.valid_to`,
      )}) before
    )`;
}

/**
 * A PostgreSQL array literal (`{"a",NULL,"b"}`) of text, numbers or booleans, for one parameter
 * cast to the column's array type. Every element quoted, `\\` and `"` escaped: the array input
 * syntax, whatever the text holds (commas, braces, quotes, newlines).
 */
export function arrayLiteral(values: readonly unknown[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    parts[i] =
      value === null || value === undefined ? "NULL" : `"${String(value).replace(/[\\"]/g, "\\$&")}"`;
  }
  return `{${parts.join(",")}}`;
}

/** Totals per state: rows, units at stake, |money| (decimal text) and rows with units but no money. */
export interface StateTotalsRow {
  state: string;
  rows: number;
  units: number;
  money: string;
  rowsWithoutMoney: number;
}

/** A snapshot's totals with no filter, stored with it (migration 0013). */
export interface SnapshotTotals {
  byState: StateTotalsRow[];
  byModule: (StateTotalsRow & { moduleKey: string })[];
  unmappedModuleOrganizations: number;
  /** Every `kindKey` of the snapshot's rows (migration 0023): what a search's type words can match. */
  kinds?: string[];
}

/** A row's (module, billing type) as one text (`reconciliation_rows.kinds`). */
export const kindKey = (moduleKey: string, billingType: string) => `${moduleKey}\u001f${billingType}`;

/**
 * What a search matches, found before the rows are read (migration 0023): the rows of these
 * organizations, unmapped module organizations, PSA services or (module, billing type) kinds.
 */
export interface SearchMatch {
  organizationIds: string[];
  moduleOrganizationIds: string[];
  psaServiceIds: string[];
  kinds: string[];
}

type ChangeKind = "all" | "usage" | "module_organization" | "organization" | "psa_organization" | "contract";

/** What committed changes touched (migration 0024), by kind; `all` lists the tables that need all. */
export interface ChangeScope {
  all: string[];
  /** Ledger pairs: (module organization, billing type). */
  pairs: { moduleOrganizationId: string; billingType: string }[];
  moduleOrganizationIds: string[];
  organizationIds: string[];
  psaOrganizationIds: string[];
  contractIds: string[];
}

/** A removed row, as much of it as the snapshot's totals need (`snapshotTotals`). */
export type RemovedRow = Pick<
  StoredRow,
  "state" | "units_at_stake" | "abs_money" | "money" | "module_keys" | "module_organization_id"
>;

export interface SnapshotMeta {
  periodKey: string;
  timeZone: string;
  dataVersion: string;
  staleModules: string;
  staleAfterHours: number;
  computedAt: Date;
  rowCount: number;
  /** Null: not stored (read them from the rows). */
  totals: SnapshotTotals | null;
}

/** A row as stored (reconciliation_rows), money as decimal text. */
export interface StoredRow {
  period_key: string;
  row_key: string;
  state: string;
  state_rank: number;
  organization_id: string | null;
  psa_service_id: string | null;
  psa_service_name: string | null;
  contract_psa_id: string | null;
  contract_name: string | null;
  module_keys: string[];
  /** The row's (module, billing type) pairs as `kindKey`s (migration 0023). */
  kinds: string[];
  billing_types: unknown;
  module_organization_id: string | null;
  source_count: number;
  desired_units: number | null;
  psa_units: number | null;
  difference_units: number | null;
  units_at_stake: number;
  unit_price: string | null;
  price_source: string | null;
  money: string | null;
  abs_money: string | null;
  is_stale: boolean;
  is_invoiced: boolean;
  sort_name: string;
}

const STATE_RANK = new Map<string, number>(
  RECONCILIATION_STATES.map((state: ReconciliationState, index) => [state, index]),
);

type RowsBuilder = ExpressionBuilder<Database & { r: ReconciliationRowsTable }, "r">;

/** Every column, the decimals as text (parsed exactly by money.ts, never as floats). */
const COLUMNS = sql<StoredRow>`r.period_key, r.row_key, r.state, r.state_rank, r.organization_id,
  r.psa_service_id, r.psa_service_name, r.contract_psa_id, r.contract_name, r.module_keys, r.billing_types,
  r.module_organization_id, r.source_count, r.desired_units, r.psa_units, r.difference_units,
  r.units_at_stake, r.unit_price::text as unit_price, r.price_source, r.money::text as money,
  r.abs_money::text as abs_money, r.is_stale, r.is_invoiced, r.sort_name, r.kinds`;

export interface RowFilter {
  state?: string | undefined;
  needsAttention?: boolean | undefined;
  moduleKey?: string | undefined;
  organizationId?: string | undefined;
  psaServiceId?: string | undefined;
  search?: string | undefined;
}

/** A filter whose search was resolved into what it matches (`searchMatch`). */
export type ResolvedFilter = RowFilter & { match?: SearchMatch };

export type RowSort = "attention" | "organization" | "service" | "difference" | "money";

/**
 * Reconciliation's reads of the billing data for one period (every module organization at once:
 * a period is computed whole), and its stored snapshot: rows per period, read a page at a time.
 */
export class ReconciliationRepository {
  constructor(private readonly db: Db) {}

  /** The billing data's version, bumped at the commit of every change to it (migration 0010). */
  async dataVersion(): Promise<string> {
    const row = await sql<{ version: string }>`
      select version::text as version from reconciliation_data_version where id = 1
    `.execute(this.db);
    return row.rows[0]?.version ?? "0";
  }

  /**
   * What decides whether a period's snapshot is current, in one query: the data version, each
   * module's last complete usage read, and the snapshot's own record (null: none).
   */
  async freshness(periodKey: string): Promise<{
    version: string;
    lastComplete: Map<string, Date | null>;
    snapshot: SnapshotMeta | null;
  }> {
    const result = await sql<{
      version: string | null;
      reads: { m: string; at: string | null }[];
      snapshot: Record<string, unknown> | null;
    }>`
      select (select version::text from reconciliation_data_version where id = 1) as version,
        (select coalesce(json_agg(json_build_object('m', module_key, 'at', last_complete)), '[]'::json)
          from (select module_key, max(read_at) filter (where outcome = 'complete') as last_complete
                from usage_reads group by module_key) r) as reads,
        (select row_to_json(s) from reconciliation_snapshots s where period_key = ${periodKey}
          -- Rows it counts but that are not there (a crash emptied the unlogged partition,
          -- replaceSnapshot): no snapshot, recomputed on this read.
          and (s.row_count = 0 or exists (select from reconciliation_rows r where r.period_key = ${periodKey}))
        ) as snapshot
    `.execute(this.db);
    const row = result.rows[0]!;
    const s = row.snapshot;
    return {
      version: row.version ?? "0",
      lastComplete: new Map(row.reads.map((r) => [r.m, r.at === null ? null : new Date(r.at)])),
      snapshot:
        s === null
          ? null
          : {
              periodKey: String(s.period_key),
              timeZone: String(s.time_zone),
              dataVersion: String(s.data_version),
              staleModules: String(s.stale_modules),
              staleAfterHours: Number(s.stale_after_hours),
              computedAt: new Date(String(s.computed_at)),
              rowCount: Number(s.row_count),
              totals: (s.totals ?? null) as SnapshotTotals | null,
            },
    };
  }

  /** Per module with usage reads: its last complete one (null: none complete). */
  async lastCompleteUsageReads(): Promise<Map<string, Date | null>> {
    const result = await sql<{ module_key: string; last_complete: Date | null }>`
      select module_key, max(read_at) filter (where outcome = 'complete') as last_complete
      from usage_reads group by module_key
    `.execute(this.db);
    return new Map(
      result.rows.map((r) => [r.module_key, r.last_complete === null ? null : new Date(r.last_complete)]),
    );
  }

  /**
   * Every (module organization, billing type)'s ledger intervals overlapping the period, plus the
   * last known one before it for pairs unknown in it (rule 13), grouped per pair, oldest first.
   */
  async usageForPeriod(
    period: { start: Date; end: Date },
    /** Only these pairs (a drill-down): the module organizations, or a module's billing type. */
    only?: { moduleOrganizationIds: readonly string[] } | { moduleKey: string; billingType: string },
  ) {
    const narrow =
      only === undefined
        ? sql``
        : "moduleOrganizationIds" in only
          ? sql`and module_organization_id = any(${sql.val(only.moduleOrganizationIds)}::uuid[])`
          : sql`and billing_type = ${only.billingType} and module_organization_id in
              (select id from module_organizations where module_key = ${only.moduleKey})`;
    const result = await sql<{
      module_key: string;
      id: string;
      billing_type: string;
      quantity: number | null;
      unknown_reason: UnknownReason | null;
      from_ms: number;
      to_ms: number | null;
    }>`
      ${periodIntervals(period, narrow)}
      select mo.module_key, f.module_organization_id as id, f.billing_type, f.quantity, f.unknown_reason,
        (extract(epoch from f.valid_from) * 1000)::float8 as from_ms,
        (extract(epoch from f.valid_to) * 1000)::float8 as to_ms
      from found f join module_organizations mo on mo.id = f.module_organization_id
    `.execute(this.db);
    const pairs = new Map<
      string,
      { moduleOrganizationId: string; moduleKey: string; billingType: string; intervals: UsageInterval[] }
    >();
    for (const row of result.rows) {
      const key = `${row.id}\u0000${row.billing_type}`;
      let pair = pairs.get(key);
      if (!pair) {
        pair = {
          moduleOrganizationId: row.id,
          moduleKey: row.module_key,
          billingType: row.billing_type,
          intervals: [],
        };
        pairs.set(key, pair);
      }
      pair.intervals.push({
        quantity: row.quantity === null ? null : Number(row.quantity),
        unknownReason: row.unknown_reason,
        validFrom: new Date(Number(row.from_ms)),
        validTo: row.to_ms === null ? null : new Date(Number(row.to_ms)),
      });
    }
    for (const pair of pairs.values()) {
      if (pair.intervals.length > 1)
        pair.intervals.sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime());
    }
    return [...pairs.values()];
  }

  /** Every module organization's dated mappings overlapping the period (rule 12), oldest first. */
  async mappingsForPeriod(
    period: { start: Date; end: Date },
    /** Only these module organizations (a drill-down). */
    moduleOrganizationIds?: readonly string[],
  ): Promise<Map<string, MappingInterval[]>> {
    const result = await sql<{
      id: string;
      organization_id: string | null;
      is_excluded: boolean;
      from_ms: number;
      to_ms: number | null;
    }>`
      select module_organization_id as id, organization_id, is_excluded,
        (extract(epoch from valid_from) * 1000)::float8 as from_ms,
        (extract(epoch from valid_to) * 1000)::float8 as to_ms
      from mapping_intervals
      where valid_from < ${iso(period.end)}::timestamptz
        and (valid_to is null or valid_to > ${iso(period.start)}::timestamptz)
        ${
          moduleOrganizationIds === undefined
            ? sql``
            : sql`and module_organization_id = any(${sql.val(moduleOrganizationIds)}::uuid[])`
        }
    `.execute(this.db);
    const byModuleOrganization = new Map<string, MappingInterval[]>();
    for (const row of result.rows) {
      const interval: MappingInterval = {
        organizationId: row.organization_id,
        isExcluded: row.is_excluded,
        validFrom: new Date(Number(row.from_ms)),
        validTo: row.to_ms === null ? null : new Date(Number(row.to_ms)),
      };
      const list = byModuleOrganization.get(row.id);
      if (list) list.push(interval);
      else byModuleOrganization.set(row.id, [interval]);
    }
    for (const list of byModuleOrganization.values()) {
      if (list.length > 1) list.sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime());
    }
    return byModuleOrganization;
  }

  /**
   * `usageForPeriod` and `mappingsForPeriod` of every module organization at once, as columns of
   * numbers (`UsageColumns`, what `reconcileColumns` computes from): the same intervals and
   * mappings, read in module organization order so that each module organization's pairs and
   * mappings come together (no lookup by id), and never made into objects with Dates.
   */
  async usageColumnsForPeriod(period: { start: Date; end: Date }, only?: UsageScope): Promise<UsageColumns> {
    // The intervals by COPY (1.47 million rows at 50,000 organizations), in the ledger's own order:
    // read as bytes into columns, no row object (`pg` made one per row with seven parsed fields),
    // no join (the ledger keeps its module key, migration 0021) and no sort on the server (the
    // columns are put in order in memory, `UnorderedUsage`). Times as whole epoch milliseconds
    // (`floor` of the exact numeric: the same as truncating).
    const times = sql`floor(extract(epoch from valid_from) * 1000)::int8, floor(extract(epoch from valid_to) * 1000)::int8`;
    const overlapping = sql`
      select module_organization_id, module_key, billing_type, quantity, unknown_reason, ${times}
      from usage_ledger where ${overlapsPeriod(period)} ${inUsageScope(only)}
    `.compile(this.db);
    if (overlapping.parameters.length > 0)
      throw new Error("the period's usage read must have no parameters (COPY)");
    const usage = new UnorderedUsage();
    let idBytes: Uint8Array = new Uint8Array(0);
    let moduleOrganization = -1;
    let typeBytes: Uint8Array = new Uint8Array(0);
    let billingType = -1;
    const rows = new CopyTextRows((row) => {
      if (row.count !== 7) throw new Error(`usage read: ${row.count} fields in a row, 7 expected`);
      // A pair's rows are often next to each other: a string only when the id or type changes.
      if (!row.same(0, idBytes)) {
        idBytes = row.keep(0);
        moduleOrganization = usage.moduleOrganization(row.text(0), row.text(1));
      }
      if (!row.same(2, typeBytes)) {
        typeBytes = row.keep(2);
        billingType = usage.billingType(row.text(2));
      }
      usage.interval(
        moduleOrganization,
        billingType,
        row.isNull(3) ? NaN : row.integer(3),
        row.isNull(4) ? 0 : reasonCode(row.text(4)),
        row.integer(5),
        row.isNull(6) ? Infinity : row.integer(6),
      );
    });
    // All three at once (on PostgreSQL, each on a pool connection of its own).
    const [, mappings, before] = await Promise.all([
      this.db.executeQuery(copyToStdout(overlapping.sql, (chunk) => rows.push(chunk))),
      sql<{ i: string; o: string | null; x: boolean; f: number; t: number | null }>`
        select module_organization_id as i, organization_id as o, is_excluded as x,
          (extract(epoch from valid_from) * 1000)::float8 as f,
          (extract(epoch from valid_to) * 1000)::float8 as t
        from mapping_intervals
        where ${overlapsPeriod(period)}
          ${
            only === undefined
              ? sql``
              : sql`and (module_organization_id = any(${[
                  ...only.moduleOrganizationIds,
                  ...(only.pairs ?? []).flatMap((p) => p.moduleOrganizationIds),
                ]}::uuid[])
                  or module_organization_id in (select id from module_organizations
                    where module_key = any(${[...new Set(only.kinds.map((k) => k.moduleKey))]}::text[])))`
          }
        order by module_organization_id, valid_from
      `.execute(this.db),
      sql<{ i: string; m: string; b: string; q: number; f: string; t: string }>`${lastKnownBefore(
        period,
        sql`select distinct module_organization_id, billing_type from usage_ledger
          where quantity is null and ${overlapsPeriod(period)} ${inUsageScope(only)}`,
        sql`l.module_organization_id as i, l.module_key as m, l.billing_type as b, l.quantity as q,
          floor(extract(epoch from l.valid_from) * 1000)::int8::text as f,
          floor(extract(epoch from l.valid_to) * 1000)::int8::text as t`,
      )}`.execute(this.db),
    ]);
    rows.end();
    for (const r of before.rows) {
      usage.interval(
        usage.moduleOrganization(r.i, r.m),
        usage.billingType(r.b),
        Number(r.q),
        0,
        Number(r.f),
        Number(r.t),
      );
    }
    return usage.columns(
      mappings.rows.map((m) => ({
        moduleOrganizationId: m.i,
        organizationId: m.o,
        isExcluded: m.x,
        from: Math.trunc(m.f),
        to: m.t === null ? Infinity : Math.trunc(m.t),
      })),
    );
  }

  /** The module organizations mapped to the organization at some time in the period. */
  async moduleOrganizationsMappedTo(organizationId: string, period: { start: Date; end: Date }) {
    const result = await sql<{ id: string }>`
      select distinct module_organization_id as id from mapping_intervals
      where organization_id = ${organizationId}
        and valid_from < ${iso(period.end)}::timestamptz
        and (valid_to is null or valid_to > ${iso(period.start)}::timestamptz)
    `.execute(this.db);
    return result.rows.map((r) => r.id);
  }

  /** Every organization (or the given ones): id, PSA id and name. */
  async organizations(ids?: readonly string[]): Promise<{ id: string; psaId: string; name: string }[]> {
    if (ids !== undefined && ids.length === 0) return [];
    let query = this.db.selectFrom("organizations").select(["id", "psa_id", "name"]);
    if (ids !== undefined) query = query.where("id", "in", ids);
    const rows = await query.execute();
    return rows.map((r) => ({ id: r.id, psaId: r.psa_id, name: r.name }));
  }

  async moduleOrganizations(ids: readonly string[]) {
    if (ids.length === 0) return [];
    const result = await sql<{ id: string; module_key: string; external_id: string; name: string }>`
      select id, module_key, external_id, name from module_organizations where id = any(${sql.val(ids)}::uuid[])
    `.execute(this.db);
    return result.rows.map((r) => ({
      id: r.id,
      moduleKey: r.module_key,
      externalId: r.external_id,
      name: r.name,
    }));
  }

  async snapshot(periodKey: string): Promise<SnapshotMeta | null> {
    const row = await this.db
      .selectFrom("reconciliation_snapshots")
      .selectAll()
      .where("period_key", "=", periodKey)
      .executeTakeFirst();
    if (!row) return null;
    return {
      periodKey: row.period_key,
      timeZone: row.time_zone,
      dataVersion: String(row.data_version),
      staleModules: row.stale_modules,
      staleAfterHours: Number(row.stale_after_hours),
      computedAt: new Date(row.computed_at),
      rowCount: row.row_count,
      totals: (row.totals ?? null) as SnapshotTotals | null,
    };
  }

  /**
   * What the changes committed after version `from` up to `to` touched (migration 0024); null when
   * some of them were pruned (`pruneChanges`): the snapshot of `from` is then recomputed whole.
   */
  async changesBetween(from: string, to: string): Promise<ChangeScope | null> {
    const floor = await sql<{ changes_from: string }>`
      select changes_from::text from reconciliation_data_version where id = 1
    `.execute(this.db);
    if (BigInt(from) < BigInt(floor.rows[0]?.changes_from ?? "0")) return null;
    const result = await sql<{ scope: ChangeKind; ref: string }>`
      select distinct c.scope, c.ref from reconciliation_changes c
      join reconciliation_change_versions v on v.txid = c.txid
      where v.version > ${from}::int8 and v.version <= ${to}::int8
    `.execute(this.db);
    const scope: ChangeScope = {
      all: [],
      pairs: [],
      moduleOrganizationIds: [],
      organizationIds: [],
      psaOrganizationIds: [],
      contractIds: [],
    };
    const usage: string[] = [];
    const lists: Record<ChangeKind, string[]> = {
      all: scope.all,
      usage,
      module_organization: scope.moduleOrganizationIds,
      organization: scope.organizationIds,
      psa_organization: scope.psaOrganizationIds,
      contract: scope.contractIds,
    };
    for (const row of result.rows) lists[row.scope].push(row.ref);
    for (const ref of usage) {
      const at = ref.indexOf(" ");
      scope.pairs.push({ moduleOrganizationId: ref.slice(0, at), billingType: ref.slice(at + 1) });
    }
    return scope;
  }

  /**
   * Forgets the changes that every recent snapshot has seen: those up to the oldest version among
   * the snapshots computed since `recentSince` (a snapshot older than that, of a period nobody
   * reads, is recomputed whole if it is ever read again).
   */
  async pruneChanges(recentSince: Date): Promise<void> {
    await sql`
      with upto as (
        select coalesce(
          (select min(data_version) from reconciliation_snapshots where computed_at >= ${recentSince}),
          (select version from reconciliation_data_version where id = 1)) as v
      ), forgotten as (
        delete from reconciliation_change_versions where version <= (select v from upto) returning txid
      ), pruned as (
        delete from reconciliation_changes where txid in (select txid from forgotten)
      )
      update reconciliation_data_version set changes_from = greatest(changes_from, (select v from upto))
      where id = 1
    `.execute(this.db);
  }

  /**
   * The module organizations with a reading or mapping starting (or a mapping ending) in this span
   * (a snapshot changed in place recomputes them: a piece that starts at the instant a snapshot is
   * computed, or later by another server's clock, counts from the next instant on, though it was
   * written before the snapshot and no change reports it).
   */
  async startingBetween(from: Date, to: Date): Promise<string[]> {
    const result = await sql<{ id: string }>`
      select module_organization_id::text as id from usage_ledger
      where valid_from >= ${iso(from)}::timestamptz and valid_from <= ${iso(to)}::timestamptz
      union
      select module_organization_id::text from mapping_intervals
      where (valid_from >= ${iso(from)}::timestamptz and valid_from <= ${iso(to)}::timestamptz)
        or (valid_to >= ${iso(from)}::timestamptz and valid_to <= ${iso(to)}::timestamptz)
    `.execute(this.db);
    return result.rows.map((r) => r.id);
  }

  /**
   * The organizations with these ids (deleted ones too: their rows go), those holding these PSA
   * organization ids, and those holding these contracts.
   */
  async organizationsOf(
    changes: Pick<ChangeScope, "organizationIds" | "psaOrganizationIds" | "contractIds">,
  ) {
    const result = await sql<{ id: string }>`
      select id::text from organizations
      where psa_id = any(${changes.psaOrganizationIds}::text[])
        or psa_id in (select organization_psa_id from psa_contracts where psa_id = any(${changes.contractIds}::text[]))
    `.execute(this.db);
    return [...new Set([...changes.organizationIds, ...result.rows.map((r) => r.id)])];
  }

  /** The module of each of these module organizations (a missing one no longer exists). */
  async moduleKeysOf(ids: readonly string[]): Promise<Map<string, string>> {
    const result = await sql<{ id: string; module_key: string }>`
      select id::text, module_key from module_organizations where id = any(${ids}::uuid[])
    `.execute(this.db);
    return new Map(result.rows.map((r) => [r.id, r.module_key]));
  }

  /**
   * Who was mapped to whom at some time in the period: of these module organizations, or to these
   * organizations; with the module organization's module.
   */
  async mappedInPeriod(
    period: { start: Date; end: Date },
    of: { moduleOrganizationIds: readonly string[] } | { organizationIds: readonly string[] },
  ): Promise<{ moduleOrganizationId: string; organizationId: string; moduleKey: string }[]> {
    const which =
      "moduleOrganizationIds" in of
        ? sql`m.module_organization_id = any(${of.moduleOrganizationIds}::uuid[])`
        : sql`m.organization_id = any(${of.organizationIds}::uuid[])`;
    const result = await sql<{ mo: string; o: string; k: string }>`
      select distinct m.module_organization_id::text as mo, m.organization_id::text as o, mo.module_key as k
      from mapping_intervals m join module_organizations mo on mo.id = m.module_organization_id
      where ${which} and m.organization_id is not null and ${overlapsPeriod(period, "m")}
    `.execute(this.db);
    return result.rows.map((r) => ({ moduleOrganizationId: r.mo, organizationId: r.o, moduleKey: r.k }));
  }

  /** How many module organizations there are (what a change's reach is weighed against). */
  async moduleOrganizationCount(): Promise<number> {
    const result = await sql<{ n: number }>`select count(*)::int as n from module_organizations`.execute(
      this.db,
    );
    return result.rows[0]!.n;
  }

  /**
   * Replaces, in the period's stored rows (in the caller's transaction), the rows a change reached:
   * those of these organizations, these (organization, service) rows, those of these module
   * organizations (their unmapped usage) and the
   * rows of these kinds without a service mapping (`t:`), by `rows`. Returns what was removed, as
   * much of it as the totals need.
   */
  async replaceRows(
    periodKey: string,
    reached: {
      organizationIds: readonly string[];
      organizationServices: readonly { organizationId: string; psaServiceId: string }[];
      moduleOrganizationIds: readonly string[];
      kinds: readonly string[];
    },
    rows: readonly StoredRow[],
  ): Promise<RemovedRow[]> {
    // One statement per kind of reach, each on its own index (an `or` of them read every row).
    const returning = sql`returning state, units_at_stake, abs_money::text as abs_money, money::text as money,
      module_keys, module_organization_id`;
    const removed: RemovedRow[] = [];
    const remove = async (where: RawBuilder<unknown>) => {
      const result = await sql<RemovedRow>`
        delete from reconciliation_rows where period_key = ${periodKey} and ${where} ${returning}
      `.execute(this.db);
      for (const row of result.rows) removed.push(row);
    };
    if (reached.organizationIds.length > 0)
      await remove(sql`organization_id = any(${reached.organizationIds}::uuid[])`);
    if (reached.organizationServices.length > 0)
      await remove(sql`(organization_id, psa_service_id) in (
        select * from unnest(${reached.organizationServices.map((r) => r.organizationId)}::uuid[],
                             ${reached.organizationServices.map((r) => r.psaServiceId)}::text[]))`);
    if (reached.moduleOrganizationIds.length > 0)
      await remove(sql`module_organization_id = any(${reached.moduleOrganizationIds}::uuid[])`);
    if (reached.kinds.length > 0)
      await remove(
        sql`kinds && ${reached.kinds}::text[] and organization_id is null and module_organization_id is null`,
      );
    if (rows.length > 0)
      await this.db.executeQuery(copyFromStdin("reconciliation_rows", STORED_COLUMNS, copyChunks(rows)));
    return removed;
  }

  /**
   * Replaces the period's `t:` row parts (in the caller's transaction): all of them, or those of
   * these organizations and these (organization, kind) parts, by `parts`. Returns the kinds whose
   * parts were removed.
   */
  async replaceTypeParts(
    periodKey: string,
    which:
      | "all"
      | { organizationIds: readonly string[]; parts: readonly { organizationId: string; kind: string }[] },
    parts: readonly TypePart[],
  ): Promise<string[]> {
    const removed =
      which === "all"
        ? await sql<{ kind: string }>`
            delete from reconciliation_type_parts where period_key = ${periodKey} returning kind
          `.execute(this.db)
        : {
            rows: [
              ...(
                await sql<{ kind: string }>`
                  delete from reconciliation_type_parts
                  where period_key = ${periodKey} and organization_id = any(${which.organizationIds}::uuid[])
                  returning kind
                `.execute(this.db)
              ).rows,
              ...(
                await sql<{ kind: string }>`
                  delete from reconciliation_type_parts
                  where period_key = ${periodKey} and (kind, organization_id) in (
                    select * from unnest(${which.parts.map((p) => p.kind)}::text[],
                                         ${which.parts.map((p) => p.organizationId)}::uuid[]))
                  returning kind
                `.execute(this.db)
              ).rows,
            ],
          };
    if (parts.length > 0) {
      const chunks = function* () {
        for (let i = 0; i < parts.length; i += CHUNK) {
          let text = "";
          for (const part of parts.slice(i, i + CHUNK)) {
            text += `${copyField(periodKey)}\t${copyField(kindKey(part.moduleKey, part.billingType))}\t${
              part.organizationId
            }\t${part.units ?? "\\N"}\t${part.isStale ? "t" : "f"}\t${copyField(
              textArrayLiteral(part.moduleOrganizationIds),
            )}\n`;
          }
          yield text;
        }
      };
      await this.db.executeQuery(
        copyFromStdin(
          "reconciliation_type_parts",
          ["period_key", "kind", "organization_id", "units", "is_stale", "module_organization_ids"],
          chunks(),
        ),
      );
    }
    return [...new Set(removed.rows.map((r) => r.kind))];
  }

  /** The `t:` rows' sums of these kinds, from their parts: units (null: none known), stale, sources. */
  async typeSums(
    periodKey: string,
    kinds: readonly string[],
  ): Promise<{ kind: string; units: number | null; isStale: boolean; sourceCount: number }[]> {
    const result = await sql<{ kind: string; units: string | null; is_stale: boolean; sources: number }>`
      select p.kind, sum(p.units)::text as units, bool_or(p.is_stale) as is_stale,
        (select count(distinct m)::int from reconciliation_type_parts q, unnest(q.module_organization_ids) m
          where q.period_key = ${periodKey} and q.kind = p.kind) as sources
      from reconciliation_type_parts p
      where p.period_key = ${periodKey} and p.kind = any(${kinds}::text[])
      group by p.kind
    `.execute(this.db);
    return result.rows.map((r) => ({
      kind: r.kind,
      units: r.units === null ? null : Number(r.units),
      isStale: r.is_stale,
      sourceCount: r.sources,
    }));
  }

  /** The period's snapshot record after `replaceRows` (in the same transaction). */
  async updateSnapshot(meta: SnapshotMeta): Promise<void> {
    await this.db
      .updateTable("reconciliation_snapshots")
      .set({
        data_version: meta.dataVersion,
        computed_at: meta.computedAt,
        row_count: meta.rowCount,
        totals: meta.totals === null ? null : JSON.stringify(meta.totals),
      })
      .where("period_key", "=", meta.periodKey)
      .execute();
  }

  /** Serializes the writers of one period's snapshot until the transaction ends (PostgreSQL; PGlite has one connection). */
  async lockPeriod(periodKey: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${`reconciliation:${periodKey}`}))`.execute(this.db);
  }

  /**
   * Replaces the period's snapshot with these rows (in the caller's transaction). The rows go into
   * a new table with no index (migration 0013: one partition per period); its indexes are built in
   * bulk once the rows are in, then it takes the place of the period's old partition. Building an
   * index over a full table costs a fraction of keeping it up to date row by row.
   */
  async replaceSnapshot(
    meta: SnapshotMeta,
    rows: readonly StoredRow[],
    /** Called after each phase with its name: the service's profile. */
    lap: (phase: string) => void = () => {},
  ): Promise<void> {
    const table = `reconciliation_rows_${meta.periodKey.replace(/[^0-9A-Za-z]/g, "_")}_${randomBytes(4).toString("hex")}`;
    const id = sql.table(table);
    // The check lets the attach below skip its scan of the rows: it proves they are all the period's.
    // Unlogged (docs/ARCHITECTURE.md): the rows are derived data, recomputed from the ledger; no
    // write-ahead log for them or their indexes. A crash empties the table, which `freshness`
    // notices (a snapshot whose rows are missing is no snapshot) and the next read recomputes.
    await sql`create unlogged table ${id} (like reconciliation_rows, check (period_key = ${sql.lit(meta.periodKey)}))`.execute(
      this.db,
    );
    // COPY (copy.ts): text rows streamed in chunks, made while the server parses the ones before.
    await this.db.executeQuery(copyFromStdin(table, STORED_COLUMNS, copyChunks(rows)));
    lap("insert");
    // The parent's indexes (migration 0013), built in bulk; the attach adopts them as they are.
    for (const index of PARTITION_INDEXES) await sql`${sql.raw(index(table))}`.execute(this.db);
    lap("indexes");
    // Fresh statistics: a table just filled is planned as nearly empty (the default order's page then
    // sorted the whole period). Only the columns the reads filter, sort and join on: the search text
    // and the jsonb drill-down made most of a whole-table analyze's cost.
    await sql`analyze ${id} (period_key, row_key, state, state_rank, organization_id, module_organization_id, psa_service_id, module_keys, kinds)`.execute(
      this.db,
    );
    lap("analyze");
    // The swap, last: dropping the old partition locks the parent table until the commit.
    const old = await sql<{ name: string }>`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'reconciliation_rows'::regclass
        and pg_get_expr(c.relpartbound, c.oid) = ${`FOR VALUES IN ('${meta.periodKey.replaceAll("'", "''")}')`}
    `.execute(this.db);
    for (const { name } of old.rows) await sql`drop table ${sql.table(name)}`.execute(this.db);
    await sql`alter table reconciliation_rows attach partition ${id} for values in (${sql.lit(meta.periodKey)})`.execute(
      this.db,
    );
    await this.db.deleteFrom("reconciliation_snapshots").where("period_key", "=", meta.periodKey).execute();
    await this.db
      .insertInto("reconciliation_snapshots")
      .values({
        period_key: meta.periodKey,
        time_zone: meta.timeZone,
        data_version: meta.dataVersion,
        stale_modules: meta.staleModules,
        stale_after_hours: meta.staleAfterHours,
        computed_at: meta.computedAt,
        row_count: meta.rowCount,
        totals: meta.totals === null ? null : JSON.stringify(meta.totals),
      })
      .execute();
    lap("swap");
  }

  /**
   * What a search matches (migration 0023), read before the rows: organizations whose name contains
   * the text (any case; the trigram index of migration 0018) or whose PSA id is the text; module
   * organizations the same by name or external id; PSA services by name; and the snapshot's
   * (module, billing type) kinds whose words (the module's name and the type's label, as the rows
   * show them) contain it. The same rows as a substring search of the fields one by one.
   */
  async searchMatch(periodKey: string, search: string): Promise<SearchMatch> {
    const text = search.trim();
    const lower = text.toLowerCase();
    const pattern = likePattern(text);
    const modules = await this.db.selectFrom("modules").select(["key", "name", "connector_kind"]).execute();
    const moduleKeys = modules.map((m) => m.key);
    const [organizations, moduleOrganizations, services, snapshot] = await Promise.all([
      sql<{
        id: string;
      }>`select id from organizations where name ilike ${pattern} or psa_id = ${text}`.execute(this.db),
      sql<{ id: string }>`
        select id from module_organizations
        where name ilike ${pattern}
          or (module_key = any(${sql.val(moduleKeys)}::text[]) and external_id = ${text})
      `.execute(this.db),
      sql<{ id: string }>`select psa_id as id from psa_services where name ilike ${pattern}`.execute(this.db),
      this.snapshot(periodKey),
    ]);
    const byKey = new Map(modules.map((m) => [m.key, m]));
    const kinds = (snapshot?.totals?.kinds ?? []).filter((kind) => {
      const [moduleKey = "", billingType = ""] = kind.split("\u001f");
      const module = byKey.get(moduleKey);
      const words = `${module?.name ?? moduleKey} ${billingTypeLabel(billingType, module?.connector_kind ?? null)}`;
      return words.toLowerCase().includes(lower);
    });
    return {
      organizationIds: organizations.rows.map((r) => r.id),
      moduleOrganizationIds: moduleOrganizations.rows.map((r) => r.id),
      psaServiceIds: services.rows.map((r) => r.id),
      kinds,
    };
  }

  /**
   * The filter with its search resolved (`searchMatch`); one already resolved as it is, so that a
   * caller making several reads with one filter (the summary) looks the search up once.
   */
  async resolve(periodKey: string, filter: ResolvedFilter): Promise<ResolvedFilter> {
    const search = filter.search?.trim();
    return search && !filter.match ? { ...filter, match: await this.searchMatch(periodKey, search) } : filter;
  }

  private matches(eb: RowsBuilder, match: SearchMatch): Expression<SqlBool> {
    const any: Expression<SqlBool>[] = [];
    if (match.organizationIds.length > 0)
      any.push(sql<SqlBool>`r.organization_id = any(${sql.val(match.organizationIds)}::uuid[])`);
    if (match.moduleOrganizationIds.length > 0)
      any.push(sql<SqlBool>`r.module_organization_id = any(${sql.val(match.moduleOrganizationIds)}::uuid[])`);
    if (match.psaServiceIds.length > 0)
      any.push(sql<SqlBool>`r.psa_service_id = any(${sql.val(match.psaServiceIds)}::text[])`);
    if (match.kinds.length > 0) any.push(sql<SqlBool>`r.kinds && ${sql.val(match.kinds)}::text[]`);
    return any.length === 0 ? eb.val(false) : eb.or(any);
  }

  private where(periodKey: string, filter: ResolvedFilter) {
    return (eb: RowsBuilder) => {
      const conditions: Expression<SqlBool>[] = [eb("r.period_key", "=", periodKey)];
      // The state's rank too: the default order's index leads with it (migration 0013).
      if (filter.state !== undefined) {
        conditions.push(eb("r.state", "=", filter.state));
        conditions.push(eb("r.state_rank", "=", STATE_RANK.get(filter.state) ?? -1));
      }
      if (filter.needsAttention) {
        conditions.push(eb("r.state", "!=", "in_balance"));
        conditions.push(eb("r.state_rank", "!=", STATE_RANK.get("in_balance")!));
      }
      if (filter.organizationId !== undefined)
        conditions.push(
          // An id that is not a UUID names no organization: no rows, never a database error.
          isUuid(filter.organizationId) ? eb("r.organization_id", "=", filter.organizationId) : eb.val(false),
        );
      if (filter.psaServiceId !== undefined)
        conditions.push(eb("r.psa_service_id", "=", filter.psaServiceId));
      if (filter.moduleKey !== undefined) {
        conditions.push(sql<SqlBool>`r.module_keys @> ${sql.val([filter.moduleKey])}::text[]`);
      }
      if (filter.match) conditions.push(this.matches(eb, filter.match));
      return eb.and(conditions);
    };
  }

  private base() {
    return this.db.selectFrom("reconciliation_rows as r");
  }

  /** One page of the period's rows matching the filter, and how many match. */
  async page(
    periodKey: string,
    filter: RowFilter,
    /** `knownTotal`: the snapshot's row count, when nothing is filtered (no count needed). */
    options: { sort: RowSort; limit: number; offset: number; knownTotal?: number | undefined },
  ): Promise<{ rows: StoredRow[]; total: number }> {
    const resolved = await this.resolve(periodKey, filter);
    let query = this.base()
      .select([
        "r.period_key",
        "r.row_key",
        "r.state",
        "r.state_rank",
        "r.organization_id",
        "r.psa_service_id",
        "r.psa_service_name",
        "r.contract_psa_id",
        "r.contract_name",
        "r.module_keys",
        "r.billing_types",
        "r.module_organization_id",
        "r.source_count",
        "r.desired_units",
        "r.psa_units",
        "r.difference_units",
        "r.units_at_stake",
        sql<string | null>`r.unit_price::text`.as("unit_price"),
        "r.price_source",
        sql<string | null>`r.money::text`.as("money"),
        sql<string | null>`r.abs_money::text`.as("abs_money"),
        "r.is_stale",
        "r.is_invoiced",
        "r.sort_name",
        "r.kinds",
      ])
      .where(this.where(periodKey, resolved));
    switch (options.sort) {
      case "attention":
        // The attention index's order (migration 0024).
        query = query
          .orderBy("r.state_rank")
          .orderBy(sql`r.abs_money desc nulls last`)
          .orderBy("r.units_at_stake", "desc");
        break;
      case "organization":
        query = query.orderBy("r.sort_name");
        break;
      case "service":
        query = query.orderBy(sql`r.psa_service_name nulls last`).orderBy("r.sort_name");
        break;
      case "difference":
        query = query
          .orderBy(sql`abs(r.difference_units) desc nulls last`)
          .orderBy("r.units_at_stake", "desc");
        break;
      case "money":
        query = query.orderBy(sql`r.abs_money desc nulls last`);
        break;
    }
    // The row key breaks every order's ties: a page never repeats or skips a row.
    query = query.orderBy("r.row_key");
    const page = query.limit(options.limit).offset(options.offset).execute() as Promise<StoredRow[]>;
    if (options.knownTotal !== undefined) return { rows: await page, total: options.knownTotal };
    // The page and its count at once (on PostgreSQL, each on a pool connection of its own).
    const [rows, total] = await Promise.all([
      page,
      this.base()
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where(this.where(periodKey, resolved))
        .executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(total.n) };
  }

  /** Every row matching the filter, in the same orders as `page` (the CSV export). */
  async all(periodKey: string, filter: RowFilter, sort: RowSort): Promise<StoredRow[]> {
    return (await this.page(periodKey, filter, { sort, limit: 10_000_000, offset: 0 })).rows;
  }

  async row(periodKey: string, key: string): Promise<StoredRow | undefined> {
    const result = await sql<StoredRow>`
      select ${COLUMNS} from reconciliation_rows r where r.period_key = ${periodKey} and r.row_key = ${key}
    `.execute(this.db);
    return result.rows[0];
  }

  /** Rows, units at stake, |money| and rows without money per state, of the rows matching the filter. */
  async totalsByState(periodKey: string, filter: ResolvedFilter) {
    const resolved = await this.resolve(periodKey, filter);
    const rows = await this.base()
      .where(this.where(periodKey, resolved))
      .select((eb) => [
        "r.state",
        eb.fn.countAll<number>().as("rows"),
        sql<string>`coalesce(sum(r.units_at_stake), 0)::text`.as("units"),
        sql<string>`coalesce(sum(r.abs_money), 0)::text`.as("money"),
        sql<number>`count(*) filter (where r.money is null and r.units_at_stake > 0)`.as("without_money"),
      ])
      .groupBy("r.state")
      .execute();
    return rows.map((r) => ({
      state: r.state,
      rows: Number(r.rows),
      units: Number(r.units),
      money: r.money,
      rowsWithoutMoney: Number(r.without_money),
    }));
  }

  /** The same per module (a row fed by two modules counts in both). */
  async totalsByModule(periodKey: string, filter: ResolvedFilter) {
    const resolved = await this.resolve(periodKey, filter);
    const result = await sql<{
      module_key: string;
      state: string;
      rows: number;
      units: string;
      money: string;
      without_money: number;
    }>`
      select m.module_key, r.state, count(*) as rows, coalesce(sum(r.units_at_stake), 0)::text as units,
        coalesce(sum(r.abs_money), 0)::text as money,
        count(*) filter (where r.money is null and r.units_at_stake > 0) as without_money
      from reconciliation_rows r cross join lateral unnest(r.module_keys) as m(module_key)
      where r.row_key in (${this.base().select("r.row_key").where(this.where(periodKey, resolved))})
        and r.period_key = ${periodKey}
      group by m.module_key, r.state
    `.execute(this.db);
    return result.rows.map((r) => ({
      moduleKey: r.module_key,
      state: r.state,
      rows: Number(r.rows),
      units: Number(r.units),
      money: r.money,
      rowsWithoutMoney: Number(r.without_money),
    }));
  }

  /** Distinct module organizations behind the unmapped usage rows matching the filter. */
  async unmappedModuleOrganizations(periodKey: string, filter: ResolvedFilter): Promise<number> {
    const resolved = await this.resolve(periodKey, { ...filter, state: "unmapped_usage" });
    const row = await this.base()
      .where(this.where(periodKey, resolved))
      .select(sql<number>`count(distinct r.module_organization_id)`.as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
