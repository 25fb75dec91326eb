import { type Kysely, sql } from "kysely";

/**
 * Reconciliation speed III (issue 9, docs/BILLING.md "Measured"): a cheaper store of a period.
 *
 * - The search no longer reads a trigram index of its own (migration 0019: building it was 4.7 s of
 *   the 50,000-organization period's store, the largest single cost). A row matches a search when
 *   one of its names does (the organization's, the unmapped module organization's, the PSA
 *   service's, a module's and billing type's words) or its PSA or external id is the text: the names
 *   are found in their own tables by the trigram indexes they already have (migration 0018), and
 *   the rows by their ids (`organization_id`, `module_organization_id`, `psa_service_id`, `kinds`).
 *   The fields were joined by line breaks, so a search never spanned two of them: the same rows,
 *   except that ids now match whole (as the mapping tabs' search), not by a piece.
 * - `kinds`: the row's (module, billing type) pairs, `module<US>billing type`, with a GIN index.
 * - The default order and the organization order are whole numbers worked out before the store
 *   (`attention_rank`, `name_rank`, `reconciliation-order.ts`): the btree builds over
 *   `(state_rank, abs_money, units_at_stake, row_key)` and `(sort_name, row_key)` sorted text and
 *   decimals (4 s of the store). `row_key` and `sort_name` compare by code point (`collate "C"`),
 *   as the ranks do; `sort_name` is lower case, and a database in C.UTF-8 (the default here)
 *   ordered it so before.
 *
 * The rows are derived data: dropped here, every period is recomputed on its next read.
 */
const STATEMENTS = [
  `drop table reconciliation_rows`,
  `delete from reconciliation_snapshots`,
  `create table reconciliation_rows (
    period_key text not null,
    row_key text collate "C" not null,
    state text not null,
    state_rank smallint not null,
    organization_id uuid,
    psa_service_id text,
    psa_service_name text,
    contract_psa_id text,
    contract_name text,
    module_keys text[] not null,
    kinds text[] not null,
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
    sort_name text collate "C" not null,
    attention_rank integer not null,
    name_rank integer not null,
    primary key (period_key, row_key)
  ) partition by list (period_key)`,
  `create index reconciliation_rows_attention_idx on reconciliation_rows (state_rank, attention_rank)`,
  `create index reconciliation_rows_organization_idx on reconciliation_rows (organization_id)`,
  `create index reconciliation_rows_module_organization_idx on reconciliation_rows (module_organization_id)`,
  `create index reconciliation_rows_service_idx on reconciliation_rows (psa_service_id)`,
  `create index reconciliation_rows_name_idx on reconciliation_rows (name_rank)`,
  `create index reconciliation_rows_modules_idx on reconciliation_rows using gin (module_keys)`,
  `create index reconciliation_rows_kinds_idx on reconciliation_rows using gin (kinds)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
