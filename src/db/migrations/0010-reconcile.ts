import { type Kysely, sql } from "kysely";

/**
 * Reconciliation (issue 9 item 6, docs/BILLING.md): the instance's currency and locale, and a
 * stored snapshot of each period's reconciliation rows, computed once and read a page at a time.
 *
 * A snapshot is valid while the billing data it was computed from is unchanged. That data is
 * written by many paths (the sync's ledger writes, the mapping write path, service mappings, the
 * PSA contracts read, the PSA organizations sync), so the database counts the changes itself: a
 * statement on any of those tables marks its transaction (once), and at commit a deferred trigger
 * adds one to `reconciliation_data_version`. The bump happens at commit, so the version row is
 * locked for an instant only (never for a long sync transaction), and a reader that reads the
 * version before the data can at worst label new data with an old version (one extra recompute
 * later), never old data with a new version.
 */
const STATEMENTS = [
  `alter table settings add column currency text not null default 'USD'`,
  `alter table settings add column locale text not null default 'en-US'`,

  `create table reconciliation_data_version (
    id smallint primary key check (id = 1),
    version bigint not null
  )`,
  `insert into reconciliation_data_version (id, version) values (1, 1)`,
  `create table reconciliation_data_changes (
    id bigint generated always as identity primary key
  )`,
  // Once per transaction and statement-level: a 30,000-row ledger write marks it once.
  `create function reconciliation_mark_changed() returns trigger language plpgsql as $$
  begin
    if coalesce(current_setting('orgmap.reconciliation_changed', true), '') <> 'on' then
      perform set_config('orgmap.reconciliation_changed', 'on', true);
      insert into reconciliation_data_changes default values;
    end if;
    return null;
  end $$`,
  `create function reconciliation_bump_version() returns trigger language plpgsql as $$
  begin
    insert into reconciliation_data_version (id, version) values (1, 1)
      on conflict (id) do update set version = reconciliation_data_version.version + 1;
    delete from reconciliation_data_changes where id = new.id;
    return null;
  end $$`,
  `create constraint trigger reconciliation_data_changes_bump
    after insert on reconciliation_data_changes deferrable initially deferred
    for each row execute function reconciliation_bump_version()`,
  ...[
    "usage_ledger",
    "usage_reads",
    "mapping_intervals",
    "service_mappings",
    "psa_services",
    "psa_contracts",
    "psa_contract_services",
    "psa_contract_service_units",
    "psa_contract_reads",
    "organizations",
    "modules",
  ].map(
    (table) => `create trigger ${table}_reconciliation_changed
      after insert or update or delete or truncate on ${table}
      for each statement execute function reconciliation_mark_changed()`,
  ),

  `create table reconciliation_snapshots (
    period_key text primary key,
    time_zone text not null,
    data_version bigint not null,
    -- The modules whose sources were stale when it was computed (sorted, comma-separated):
    -- staleness is decided at read time, so a module turning stale makes a new snapshot.
    stale_modules text not null,
    stale_after_hours real not null,
    computed_at timestamptz not null,
    row_count integer not null
  )`,
  `create table reconciliation_rows (
    period_key text not null references reconciliation_snapshots (period_key) on delete cascade,
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
    detail jsonb not null,
    primary key (period_key, row_key)
  )`,
  `create index reconciliation_rows_attention_idx
    on reconciliation_rows (period_key, state_rank, abs_money desc nulls last, units_at_stake desc, row_key)`,
  `create index reconciliation_rows_state_idx on reconciliation_rows (period_key, state)`,
  `create index reconciliation_rows_organization_idx on reconciliation_rows (period_key, organization_id)`,
  `create index reconciliation_rows_service_idx on reconciliation_rows (period_key, psa_service_id)`,
  `create index reconciliation_rows_name_idx on reconciliation_rows (period_key, sort_name, row_key)`,
  `create index reconciliation_rows_modules_idx on reconciliation_rows using gin (module_keys)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  // Not runStatements: the function bodies hold semicolons at the ends of lines.
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
