import type { Kysely } from "kysely";
import { runStatements } from "./run-statements.ts";

/**
 * Posting to the PSA (issue 10, rules 15–17, docs/BILLING.md "Posting"):
 * - `posting_settings`: the per-module switch (off by default: reconcile only, rule 16);
 *   `posting_config`: the instance's approval share, hourly request budget and concurrency
 *   (no row: the defaults 50 %, 3,000, 3).
 * - `posting_attempts`: every adjustment, stored with its deterministic key BEFORE the call and
 *   the PSA's answer after it; at most one `pending` attempt per (contract service, period).
 * - `posting_leases`: one process at a time per contract service (as the sync leases).
 * - `posting_approvals`: decreases held for an admin (rule 16).
 * - `activity_log`: one row per (day, module, billing type, organization, contract, service) (rule 17).
 * - `posting_budget`: PSA requests spent per hour, reserved atomically before they are sent.
 * - `posting_runs`: one row per run (preview or post), with its counts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table posting_settings (
      module_key text primary key references modules (key) on delete cascade,
      is_enabled boolean not null default false,
      updated_by text not null,
      updated_at timestamptz not null default now()
    );

    create table posting_config (
      id int primary key default 1 check (id = 1),
      approval_share_percent integer not null default 50 check (approval_share_percent between 0 and 100),
      hourly_request_budget integer not null default 3000 check (hourly_request_budget between 1 and 10000),
      max_concurrency integer not null default 3 check (max_concurrency between 1 and 3),
      updated_by text not null,
      updated_at timestamptz not null default now()
    );

    create table posting_runs (
      id uuid primary key default gen_random_uuid(),
      module_key text not null references modules (key) on delete cascade,
      trigger text not null,
      period_key text not null,
      started_at timestamptz not null,
      finished_at timestamptz,
      outcome text not null default 'running'
        check (outcome in ('running', 'completed', 'budget_reached', 'failed')),
      counts jsonb not null default '{}',
      request_count integer not null default 0,
      error text,
      owner text not null
    );
    create index posting_runs_module_idx on posting_runs (module_key, started_at desc);

    create table posting_attempts (
      id uuid primary key default gen_random_uuid(),
      attempt_key text not null,
      kind text not null default 'post' check (kind in ('post', 'undo')),
      undoes_attempt_id uuid references posting_attempts (id),
      module_key text not null,
      billing_type text not null,
      organization_id uuid,
      contract_psa_id text not null,
      contract_service_psa_id text not null,
      service_psa_id text not null,
      period_key text not null,
      units_before integer not null,
      target_units integer not null check (target_units >= 0),
      unit_change integer not null check (unit_change <> 0),
      effective_date date not null,
      unit_price numeric(19, 4),
      state text not null default 'pending'
        check (state in ('pending', 'posted', 'failed', 'not_applied')),
      psa_adjustment_id text,
      psa_answer text,
      confirmed_by text check (confirmed_by in ('answer', 'read_back')),
      run_id uuid references posting_runs (id) on delete set null,
      owner text not null,
      created_at timestamptz not null,
      answered_at timestamptz,
      check (units_before + unit_change = target_units)
    );
    create unique index posting_attempts_one_pending_idx
      on posting_attempts (contract_service_psa_id, period_key) where state = 'pending';
    create index posting_attempts_key_idx on posting_attempts (attempt_key, created_at desc);

    create table posting_leases (
      contract_service_psa_id text primary key,
      owner text not null,
      expires_at timestamptz not null
    );

    create table posting_approvals (
      id uuid primary key default gen_random_uuid(),
      module_key text not null references modules (key) on delete cascade,
      billing_type text not null,
      organization_id uuid,
      organization_name text not null,
      contract_psa_id text not null,
      contract_service_psa_id text not null,
      service_psa_id text not null,
      service_name text not null,
      period_key text not null,
      units_before integer not null,
      target_units integer not null,
      unit_price numeric(19, 4),
      reason text not null,
      state text not null default 'pending' check (state in ('pending', 'approved', 'rejected', 'posted', 'superseded')),
      decided_by text,
      decided_at timestamptz,
      created_at timestamptz not null
    );
    create unique index posting_approvals_open_idx
      on posting_approvals (contract_service_psa_id, period_key) where state in ('pending', 'approved');
    create index posting_approvals_state_idx on posting_approvals (state, created_at desc);

    create table activity_log (
      id uuid primary key default gen_random_uuid(),
      day date not null,
      module_key text not null references modules (key) on delete cascade,
      billing_type text not null,
      organization_id uuid,
      organization_name text not null,
      contract_psa_id text,
      contract_service_psa_id text,
      service_psa_id text,
      service_name text,
      period_key text not null,
      direction text not null check (direction in ('up', 'down', 'same')),
      units_before integer,
      units_after integer,
      unit_price numeric(19, 4),
      outcome text not null check (outcome in ('posted', 'held', 'failed')),
      reason text,
      attempt_id uuid references posting_attempts (id) on delete set null,
      run_id uuid references posting_runs (id) on delete set null,
      updated_at timestamptz not null
    );
    create unique index activity_log_row_idx on activity_log (
      day, module_key, billing_type, coalesce(organization_id::text, organization_name),
      coalesce(contract_psa_id, ''), coalesce(service_psa_id, '')
    );
    create index activity_log_day_idx on activity_log (day desc, id);
    create index activity_log_failed_idx on activity_log (day desc, id) where outcome = 'failed';

    create table posting_budget (
      hour timestamptz primary key,
      requests integer not null check (requests >= 0)
    );
  `,
  );
}
