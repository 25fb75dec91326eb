import type { Kysely } from "kysely";
import { runStatements } from "./run-statements.ts";

/** The first schema. Migrations are forward-only: never edit one that has shipped; add the next. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table settings (
      id int primary key default 1 check (id = 1),
      organization_term text not null default 'Organization',
      time_zone text not null default 'UTC',
      module_column_order jsonb not null default '[]',
      updated_at timestamptz not null default now()
    );
    insert into settings (id) values (1);

    create table users (
      id uuid primary key default gen_random_uuid(),
      username text not null unique,
      password_hash text not null,
      role text not null check (role in ('admin', 'editor', 'viewer')),
      is_disabled boolean not null default false,
      must_change_password boolean not null default false,
      created_at timestamptz not null default now(),
      password_changed_at timestamptz not null default now()
    );

    create table sessions (
      id text primary key,
      user_id uuid not null references users (id) on delete cascade,
      csrf_token text not null,
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      ip text
    );
    create index sessions_user_idx on sessions (user_id);

    create table api_tokens (
      id uuid primary key default gen_random_uuid(),
      name text not null,
      role text not null check (role in ('admin', 'editor', 'viewer')),
      token_hash text not null unique,
      created_by text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );

    create table user_preferences (
      user_id uuid primary key references users (id) on delete cascade,
      module_column_order jsonb not null default '[]',
      updated_at timestamptz not null default now()
    );

    create table organizations (
      id uuid primary key default gen_random_uuid(),
      psa_id text not null unique,
      name text not null,
      type text not null check (type in ('Customer', 'Lead', 'Prospect', 'Dead', 'Cancelation', 'Vendor', 'Partner')),
      is_active boolean not null default true,
      parent_id uuid references organizations (id) on delete set null,
      status text not null default 'active' check (status in ('active', 'missing')),
      tree_sort text collate "C" not null default '',
      first_seen_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index organizations_tree_sort_idx on organizations (tree_sort, id);
    create index organizations_parent_idx on organizations (parent_id);

    create table psa_connection (
      id int primary key default 1 check (id = 1),
      connector_kind text,
      connector_settings jsonb not null default '{}',
      connector_secrets text,
      schedule text not null default '0 2 * * *'
    );
    insert into psa_connection (id) values (1);

    create table modules (
      key text primary key,
      name text not null,
      billing_enabled boolean not null default false,
      billing_changed_at timestamptz,
      first_successful_sync_at timestamptz,
      connector_kind text,
      connector_settings jsonb not null default '{}',
      connector_secrets text,
      schedule text not null default '0 2 * * *',
      created_at timestamptz not null default now()
    );

    create table module_organizations (
      id uuid primary key default gen_random_uuid(),
      module_key text not null references modules (key) on delete cascade,
      external_id text not null,
      name text not null,
      parent_id uuid references module_organizations (id) on delete set null,
      status text not null default 'active' check (status in ('active', 'missing')),
      attributes jsonb not null default '{}',
      tree_sort text collate "C" not null default '',
      version int not null default 1,
      first_seen_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      unique (module_key, external_id)
    );
    create index module_organizations_tree_idx on module_organizations (module_key, tree_sort, id);
    create index module_organizations_parent_idx on module_organizations (parent_id);

    create table mappings (
      module_organization_id uuid primary key references module_organizations (id) on delete cascade,
      organization_id uuid not null references organizations (id),
      module_key text not null references modules (key) on delete cascade,
      source text not null,
      created_by text not null,
      created_at timestamptz not null default now()
    );
    create index mappings_organization_idx on mappings (organization_id, module_key);

    create table ignores (
      organization_id uuid not null references organizations (id) on delete cascade,
      module_key text not null references modules (key) on delete cascade,
      created_by text not null,
      created_at timestamptz not null default now(),
      primary key (organization_id, module_key)
    );

    create table exclusions (
      module_organization_id uuid primary key references module_organizations (id) on delete cascade,
      created_by text not null,
      created_at timestamptz not null default now()
    );

    create table aliases (
      id uuid primary key default gen_random_uuid(),
      name text not null,
      organization_id uuid not null references organizations (id) on delete cascade,
      created_by text not null,
      created_at timestamptz not null default now(),
      unique (name, organization_id)
    );

    create table suggestion_rejections (
      module_organization_id uuid not null references module_organizations (id) on delete cascade,
      organization_id uuid not null references organizations (id) on delete cascade,
      created_by text not null,
      created_at timestamptz not null default now(),
      primary key (module_organization_id, organization_id)
    );

    create table audit_events (
      id bigint generated always as identity primary key,
      step_id uuid not null,
      at timestamptz not null default now(),
      actor text not null,
      action text not null,
      entity_type text not null,
      entity_id text not null,
      summary text not null default '',
      before jsonb,
      after jsonb,
      undone_by_step uuid
    );
    create index audit_events_step_idx on audit_events (step_id);
    create index audit_events_entity_idx on audit_events (entity_type, entity_id);

    create table sync_runs (
      id uuid primary key default gen_random_uuid(),
      module_key text references modules (key) on delete cascade,
      trigger text not null,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      outcome text not null default 'running' check (outcome in ('running', 'succeeded', 'failed')),
      counts jsonb not null default '{}',
      error text,
      rejected jsonb not null default '[]',
      lease_owner text,
      lease_expires_at timestamptz
    );
    create index sync_runs_module_idx on sync_runs (module_key, started_at desc);
  `,
  );
}
