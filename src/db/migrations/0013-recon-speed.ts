import { type Kysely, sql } from "kysely";

/**
 * Reconciliation speed II (issue 9, docs/BILLING.md "Measured"): one partition per period.
 *
 * A period's snapshot is replaced whole, and inserting hundreds of thousands of rows into a table
 * with six indexes cost most of the store (each index maintained row by row: about 1 s per index
 * at 42,000 rows, where building it after the rows are in costs 0.05-0.3 s). So
 * `reconciliation_rows` is partitioned by period: `ReconciliationRepository.replaceSnapshot` fills
 * a new table with no index, builds its indexes in bulk, analyzes it, and swaps it in for the
 * period's old partition in the same transaction. The readers query `reconciliation_rows` as before.
 *
 * Within a partition the period is one value, so the indexes no longer lead with it; the state
 * filter walks the default order's index by `state_rank` (one rank per state), so the state index
 * goes. The snapshot keeps its unfiltered totals (per state, per module, unmapped module
 * organizations), worked out while the rows are stored: the summary with no filter reads them.
 *
 * The drill-down (`detail`: every row's sources and steps, 262 bytes a row on average and most of
 * the store's bytes) is no longer stored: `ReconciliationService.row` works it out for the one row
 * asked, from the pairs that row can draw on (`rowTrace`), the same as the whole period's compute.
 *
 * The rows are derived data: they are dropped here and every period is recomputed on its next read
 * (the snapshots are deleted).
 */
const STATEMENTS = [
  `drop table reconciliation_rows`,
  `delete from reconciliation_snapshots`,
  `alter table reconciliation_snapshots add column totals jsonb`,
  `create table reconciliation_rows (
    period_key text not null,
    row_key text not null,
    state text not null,
    state_rank smallint not null,
    organization_id uuid,
    psa_service_id text,
    psa_service_name text,
    contract_psa_id text,
    contract_name text,
    module_keys text[] not null,
    billing_types jsonb not null,
    module_organization_id uuid,
    source_count integer not null,
    desired_units integer,
    psa_units integer,
    difference_units integer,
    units_at_stake integer not null,
    unit_price numeric(19, 4),
    price_source text,
    money numeric(19, 4),
    abs_money numeric(19, 4),
    is_stale boolean not null,
    is_invoiced boolean not null,
    sort_name text not null,
    search_text text not null,
    primary key (period_key, row_key)
  ) partition by list (period_key)`,
  `create index reconciliation_rows_attention_idx
    on reconciliation_rows (state_rank, abs_money desc nulls last, units_at_stake desc, row_key)`,
  `create index reconciliation_rows_organization_idx on reconciliation_rows (organization_id)`,
  `create index reconciliation_rows_service_idx on reconciliation_rows (psa_service_id)`,
  `create index reconciliation_rows_name_idx on reconciliation_rows (sort_name, row_key)`,
  `create index reconciliation_rows_modules_idx on reconciliation_rows using gin (module_keys)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
