import type { Kysely } from "kysely";
import { runStatements } from "./run-statements.ts";

/**
 * Billing's storage (issue 9, docs/BILLING.md): the usage ledger (a row per change of quantity, not
 * per night), dated mappings (the mapping in force at any past instant, rule 12), service mappings,
 * the log of usage reads, and the last snapshot of the PSA's contracts. The dated mappings start
 * from today's mappings and exclusions: their history before this migration is the audit log's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table usage_ledger (
      module_organization_id uuid not null references module_organizations (id) on delete cascade,
      billing_type text not null,
      quantity integer check (quantity >= 0),
      unknown_reason text check (unknown_reason in ('failed', 'skipped', 'stale')),
      valid_from timestamptz not null,
      valid_to timestamptz,
      read_at timestamptz not null,
      sync_run_id uuid references sync_runs (id) on delete set null,
      primary key (module_organization_id, billing_type, valid_from),
      check ((quantity is null) <> (unknown_reason is null)),
      check (valid_to is null or valid_to > valid_from)
    );
    create unique index usage_ledger_open_idx on usage_ledger (module_organization_id, billing_type)
      where valid_to is null;

    create table usage_reads (
      id bigint generated always as identity primary key,
      module_key text not null references modules (key) on delete cascade,
      sync_run_id uuid references sync_runs (id) on delete set null,
      read_at timestamptz not null,
      outcome text not null check (outcome in ('complete', 'failed')),
      error text,
      request_count integer not null default 0,
      counts jsonb not null default '{}',
      rejected jsonb not null default '[]'
    );
    create index usage_reads_module_idx on usage_reads (module_key, read_at desc);

    create table mapping_intervals (
      module_organization_id uuid not null references module_organizations (id) on delete cascade,
      organization_id uuid references organizations (id),
      is_excluded boolean not null default false,
      valid_from timestamptz not null,
      valid_to timestamptz,
      primary key (module_organization_id, valid_from),
      check (valid_to is null or valid_to > valid_from),
      check (organization_id is not null or is_excluded)
    );
    create unique index mapping_intervals_open_idx on mapping_intervals (module_organization_id)
      where valid_to is null;
    create index mapping_intervals_organization_idx on mapping_intervals (organization_id, valid_from);

    insert into mapping_intervals (module_organization_id, organization_id, is_excluded, valid_from, valid_to)
      select mp.module_organization_id, mp.organization_id, false, mp.created_at, ex.created_at
        from mappings mp join exclusions ex on ex.module_organization_id = mp.module_organization_id
        where ex.created_at > mp.created_at
      union all
      select ex.module_organization_id, null, true, ex.created_at, mp.created_at
        from exclusions ex join mappings mp on mp.module_organization_id = ex.module_organization_id
        where mp.created_at > ex.created_at
      union all
      select coalesce(mp.module_organization_id, ex.module_organization_id), mp.organization_id,
          ex.module_organization_id is not null, greatest(mp.created_at, ex.created_at), null
        from mappings mp full join exclusions ex on ex.module_organization_id = mp.module_organization_id;

    create table service_mappings (
      module_key text not null references modules (key) on delete cascade,
      billing_type text not null,
      psa_service_id text not null,
      psa_service_name text not null,
      policy text not null default 'latest' check (policy in ('latest', 'peak')),
      updated_by text not null,
      updated_at timestamptz not null default now(),
      primary key (module_key, billing_type)
    );

    create table psa_contract_reads (
      id int primary key default 1 check (id = 1),
      read_at timestamptz not null,
      window_from date not null,
      window_to date not null,
      request_count integer not null,
      rejected jsonb not null default '[]'
    );

    create table psa_services (
      psa_id text primary key,
      name text not null,
      unit_price numeric(19, 4),
      is_active boolean not null
    );

    create table psa_contracts (
      psa_id text primary key,
      organization_psa_id text not null,
      name text not null,
      start_date date not null,
      end_date date not null
    );
    create index psa_contracts_organization_idx on psa_contracts (organization_psa_id);

    create table psa_contract_services (
      psa_id text primary key,
      contract_psa_id text not null,
      service_psa_id text not null,
      unit_price numeric(19, 4)
    );
    create index psa_contract_services_contract_idx on psa_contract_services (contract_psa_id, service_psa_id);

    create table psa_contract_service_units (
      psa_id text primary key,
      contract_psa_id text not null,
      contract_service_psa_id text not null,
      service_psa_id text not null,
      start_date date not null,
      end_date date not null,
      units integer not null,
      approve_and_post_date date
    );
    create index psa_contract_service_units_service_idx
      on psa_contract_service_units (contract_service_psa_id, start_date);
  `,
  );
}
