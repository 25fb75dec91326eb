import type { Kysely } from "kysely";
import { runStatements } from "./run-statements.ts";

/**
 * Issue 14 item 5: creating the PSA organization of a module organization. Each create in the PSA
 * is stored here with its key BEFORE the call and closed with the PSA's answer after it, so a
 * retry after a lost answer (a timeout, a killed process) looks the company up by name before it
 * creates anything: one company per attempt, never two. At most one attempt per module
 * organization is open (`pending`) at a time; its lease (owner, expires_at) keeps two requests
 * from sending the same create at once and lets a later request take over a dead one's attempt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table psa_create_attempts (
      id uuid primary key default gen_random_uuid(),
      attempt_key text not null unique,
      module_organization_id uuid not null references module_organizations(id) on delete cascade,
      name text not null,
      type text not null,
      parent_psa_id text,
      phone text not null,
      owner_resource_id text not null,
      state text not null default 'pending' check (state in ('pending', 'created', 'failed')),
      psa_id text,
      organization_id uuid references organizations(id) on delete set null,
      confirmed_by text check (confirmed_by in ('answer', 'lookup')),
      psa_answer text,
      actor text not null,
      owner text,
      lease_expires_at timestamptz,
      created_at timestamptz not null default now(),
      answered_at timestamptz
    );
    create unique index psa_create_attempts_open_idx on psa_create_attempts (module_organization_id)
      where state = 'pending';
    create index psa_create_attempts_time_idx on psa_create_attempts (created_at desc);
    `,
  );
}
