import { type Kysely, sql } from "kysely";

/**
 * Reconciliation kept up to date by what changed (issue 9, docs/BILLING.md "Session 7").
 *
 * Until now a period's snapshot was recomputed whole whenever any billing data changed: one mapping
 * made from the reconciliation page cost the next read the whole period (21 s at 50,000
 * organizations on PostgreSQL). The database now also records *what* changed, so that the next
 * read recomputes only the rows those changes can reach (`ReconciliationService`).
 *
 * - `reconciliation_changes`: one row per (scope, ref) a statement touched, written by statement
 *   triggers over their transition tables (a 30,000-row ledger write is one insert of its distinct
 *   module organizations). Scopes: `usage` (a ledger pair: module organization and billing type),
 *   `module_organization` (the dated mappings; a module organization's name),
 *   `organization` (the dated mappings' organizations; an organization's name or PSA id),
 *   `psa_organization` (a PSA contract's organization), `contract` (a contract's services and
 *   units), `all` (service mappings, PSA services, modules' names, the first contracts read, a
 *   truncate: whatever every row may depend on).
 * - A change row carries its transaction's id; the commit's version bump (migration 0010) gives
 *   that transaction its version in `reconciliation_change_versions` (one row per commit), so
 *   versions follow commit order: a snapshot of version S has seen exactly the changes of
 *   versions <= S. A transaction that rolls back takes its change rows with it.
 * - `reconciliation_data_version.changes_from`: changes of versions up to it were pruned; a snapshot
 *   older than it is recomputed whole.
 * - \`usage_ledger (valid_from)\`: the readings starting since a snapshot's instant, which a snapshot
 *   changed in place also recomputes (a piece starting at that very instant counted from the next).
 * - \`reconciliation_type_parts\`: each organization's part of a row of a billing type without a
 *   service mapping (it adds up every organization), so that a change recomputes a few parts and
 *   adds them up again rather than reading every pair of the type.
 * - The rows drop their ranks (migration 0023): a snapshot changed in place keeps its order in
 *   btree indexes over the sort keys themselves. Measured on the 420,202-row period (PostgreSQL,
 *   load 1.3): 1.14 s for the two key indexes against 0.68 s for the two rank indexes, while the
 *   ranks' own sorts cost about 1 s of CPU before the COPY.
 *
 * The rows are derived data: dropped here, every period is recomputed on its next read.
 */
const SCOPE_QUERY = {
  usage: (t: string) =>
    `select distinct 'usage', module_organization_id::text || ' ' || billing_type from ${t}`,
  mappings: (t: string) => `select distinct 'module_organization', module_organization_id::text from ${t}
      union select distinct 'organization', organization_id::text from ${t} where organization_id is not null`,
  contracts: (t: string) => `select distinct 'psa_organization', organization_psa_id from ${t}`,
  contractLines: (t: string) => `select distinct 'contract', contract_psa_id from ${t}`,
} as const;

/**
 * A function recording a table's changed scopes from its transition tables (`old_rows`, `new_rows`).
 * Each branch names only the tables its event has: PL/pgSQL plans a statement when it first runs.
 */
function recorder(name: string, scopes: (t: string) => string, { updateKeepsScope = false } = {}): string {
  return `create function ${name}() returns trigger language plpgsql as $$
  begin
    if tg_op = 'DELETE' then
      insert into reconciliation_changes (scope, ref) ${scopes("old_rows")};
    elsif tg_op = 'INSERT' or ${updateKeepsScope ? "true" : "false"} then
      insert into reconciliation_changes (scope, ref) ${scopes("new_rows")};
    else
      insert into reconciliation_changes (scope, ref) ${scopes("old_rows")} union ${scopes("new_rows")};
    end if;
    return null;
  end $$`;
}

/**
 * The three statement triggers (a trigger with transition tables takes one event) and one for a
 * truncate. A statement trigger fires even when no row changed (an upsert's insert part that only
 * updated, a diff write with nothing to write): the recorders read the rows, so those record nothing.
 */
function triggers(table: string, fn: string): string[] {
  return [
    `create trigger ${table}_changes_insert after insert on ${table}
      referencing new table as new_rows for each statement execute function ${fn}()`,
    `create trigger ${table}_changes_update after update on ${table}
      referencing old table as old_rows new table as new_rows for each statement execute function ${fn}()`,
    `create trigger ${table}_changes_delete after delete on ${table}
      referencing old table as old_rows for each statement execute function ${fn}()`,
    `create trigger ${table}_changes_truncate after truncate on ${table}
      for each statement execute function reconciliation_changed_all()`,
  ];
}

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
    primary key (period_key, row_key)
  ) partition by list (period_key)`,
  // The default order (state, |money| desc nulls last, units at stake desc, row key) and the
  // organization order (sort name, row key), read in index order a page at a time.
  `create index reconciliation_rows_attention_idx
    on reconciliation_rows (state_rank, abs_money desc nulls last, units_at_stake desc, row_key)`,
  `create index reconciliation_rows_name_idx on reconciliation_rows (sort_name, row_key)`,
  `create index reconciliation_rows_organization_idx on reconciliation_rows (organization_id)`,
  `create index reconciliation_rows_module_organization_idx on reconciliation_rows (module_organization_id)`,
  `create index reconciliation_rows_service_idx on reconciliation_rows (psa_service_id)`,
  `create index reconciliation_rows_modules_idx on reconciliation_rows using gin (module_keys)`,
  `create index reconciliation_rows_kinds_idx on reconciliation_rows using gin (kinds)`,

  // Each organization's part of a `t:` row (a billing type with no service mapping adds up every
  // organization): a snapshot changed in place recomputes some parts and adds them up again
  // instead of reading every pair of the type. Derived data, unlogged as the rows.
  `create unlogged table reconciliation_type_parts (
    period_key text not null,
    kind text collate "C" not null,
    organization_id uuid not null,
    units integer,
    is_stale boolean not null,
    module_organization_ids uuid[] not null,
    primary key (period_key, kind, organization_id)
  )`,
  `create index reconciliation_type_parts_organization_idx on reconciliation_type_parts (organization_id)`,
  `create table reconciliation_changes (
    txid bigint not null default txid_current(),
    scope text not null check (scope in ('usage', 'module_organization', 'organization', 'psa_organization', 'contract', 'all')),
    ref text not null
  )`,
  `create index reconciliation_changes_txid_idx on reconciliation_changes (txid)`,
  // The version each committed transaction that recorded changes was given: one row per commit
  // (stamping a night's 60,000 change rows one by one cost more than writing them).
  `create table reconciliation_change_versions (
    txid bigint primary key,
    version bigint not null unique
  )`,
  `alter table reconciliation_data_version add column changes_from bigint not null default 0`,
  // The readings that start near a snapshot's instant (\`ReconciliationRepository.reach\`).
  `create index usage_ledger_valid_from_idx on usage_ledger (valid_from)`,
  `update reconciliation_data_version set changes_from = version`,

  // The bump at commit (migration 0010) now also stamps the transaction's change rows.
  `create or replace function reconciliation_bump_version() returns trigger language plpgsql as $$
  declare
    bumped bigint;
  begin
    insert into reconciliation_data_version (id, version) values (1, 1)
      on conflict (id) do update set version = reconciliation_data_version.version + 1
      returning version into bumped;
    if exists (select from reconciliation_changes where txid = txid_current()) then
      insert into reconciliation_change_versions (txid, version) values (txid_current(), bumped);
    end if;
    delete from reconciliation_data_changes where id = new.id;
    return null;
  end $$`,

  `create function reconciliation_changed_all() returns trigger language plpgsql as $$
  begin
    if tg_op = 'TRUNCATE' then
      insert into reconciliation_changes (scope, ref) values ('all', tg_table_name);
    elsif tg_op = 'DELETE' then
      insert into reconciliation_changes (scope, ref) select 'all', tg_table_name where exists (select from old_rows);
    else
      insert into reconciliation_changes (scope, ref) select 'all', tg_table_name where exists (select from new_rows);
    end if;
    return null;
  end $$`,
  // The ledger's updates never move a row to another pair: the new rows name the same pairs.
  recorder("reconciliation_usage_changed", SCOPE_QUERY.usage, { updateKeepsScope: true }),
  recorder("reconciliation_mappings_changed", SCOPE_QUERY.mappings),
  recorder("reconciliation_contracts_changed", SCOPE_QUERY.contracts),
  recorder("reconciliation_contract_lines_changed", SCOPE_QUERY.contractLines),
  // An organization matters to the rows by its PSA id (its contracts) and its name (the stored
  // sort name); the nightly sync's `last_seen_at` touches every one and changes neither.
  `create function reconciliation_organizations_changed() returns trigger language plpgsql as $$
  begin
    if tg_op = 'UPDATE' then
      insert into reconciliation_changes (scope, ref)
        select distinct 'organization', n.id::text from new_rows n join old_rows o on o.id = n.id
        where n.psa_id is distinct from o.psa_id or n.name is distinct from o.name;
    elsif tg_op = 'INSERT' then
      insert into reconciliation_changes (scope, ref) select distinct 'organization', id::text from new_rows;
    else
      insert into reconciliation_changes (scope, ref) select distinct 'organization', id::text from old_rows;
    end if;
    return null;
  end $$`,
  // A module organization matters by its name (an unmapped one's row is sorted by it); the nightly
  // sync's upsert touches every one and seldom changes it. New ones have no usage yet; a deleted
  // one's ledger and mappings go with it (their own triggers record them).
  `create function reconciliation_module_organizations_changed() returns trigger language plpgsql as $$
  begin
    insert into reconciliation_changes (scope, ref)
      select distinct 'module_organization', n.id::text from new_rows n join old_rows o on o.id = n.id
      where n.name is distinct from o.name;
    -- Not one of migration 0010's tables (its statements bump nothing): a rename marks its
    -- transaction as those do, so that the commit stamps it.
    if found and coalesce(current_setting('orgmap.reconciliation_changed', true), '') <> 'on' then
      perform set_config('orgmap.reconciliation_changed', 'on', true);
      insert into reconciliation_data_changes default values;
    end if;
    return null;
  end $$`,
  `create trigger module_organizations_changes_update after update on module_organizations
    referencing old table as old_rows new table as new_rows
    for each statement execute function reconciliation_module_organizations_changed()`,
  // A module matters by its name and kind (the rows' names); its sync times change nightly.
  `create function reconciliation_modules_changed() returns trigger language plpgsql as $$
  begin
    if tg_op = 'UPDATE' then
      insert into reconciliation_changes (scope, ref)
        select 'all', 'modules' where exists (
          select from new_rows n join old_rows o on o.key = n.key
          where n.name is distinct from o.name or n.connector_kind is distinct from o.connector_kind);
    elsif tg_op = 'INSERT' then
      insert into reconciliation_changes (scope, ref) select 'all', 'modules' where exists (select from new_rows);
    else
      insert into reconciliation_changes (scope, ref) select 'all', 'modules' where exists (select from old_rows);
    end if;
    return null;
  end $$`,
  // The first contracts read turns every mapped row from no_contract; later reads update the row.
  `create function reconciliation_contract_reads_changed() returns trigger language plpgsql as $$
  begin
    if tg_op = 'INSERT' then
      insert into reconciliation_changes (scope, ref)
        select 'all', 'psa_contract_reads' where exists (select from new_rows);
    elsif tg_op = 'DELETE' then
      insert into reconciliation_changes (scope, ref)
        select 'all', 'psa_contract_reads' where exists (select from old_rows);
    end if;
    return null;
  end $$`,
  ...triggers("usage_ledger", "reconciliation_usage_changed"),
  ...triggers("mapping_intervals", "reconciliation_mappings_changed"),
  ...triggers("organizations", "reconciliation_organizations_changed"),
  ...triggers("modules", "reconciliation_modules_changed"),
  ...triggers("psa_contracts", "reconciliation_contracts_changed"),
  ...triggers("psa_contract_services", "reconciliation_contract_lines_changed"),
  ...triggers("psa_contract_service_units", "reconciliation_contract_lines_changed"),
  ...triggers("psa_contract_reads", "reconciliation_contract_reads_changed"),
  // Every row may depend on these: a service's name and price, a billing type's service and policy.
  ...triggers("service_mappings", "reconciliation_changed_all"),
  ...triggers("psa_services", "reconciliation_changed_all"),
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
