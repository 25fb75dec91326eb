import type { Kysely } from "kysely";
import { runStatements } from "./run-statements.ts";

/**
 * Issue 11, second part. Sessions get a public id (the primary key is the hash of the cookie, never
 * shown) and the browser that opened them, for the sessions list. TOTP MFA: the secret sealed with
 * the instance key, when it was confirmed, recovery codes as hashes, and sign-in challenges between
 * the password and the code. `security_settings` holds instance-wide switches (MFA for admins).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table sessions add column public_id uuid not null default gen_random_uuid();
    create unique index sessions_public_id on sessions (public_id);
    create index sessions_user on sessions (user_id);
    alter table sessions add column user_agent text;

    alter table users add column totp_secret text;
    alter table users add column totp_enabled_at timestamptz;
    alter table users add column totp_last_step bigint;
    create table mfa_recovery_codes (
      user_id uuid not null references users (id) on delete cascade,
      code_hash text not null,
      used_at timestamptz,
      primary key (user_id, code_hash)
    );
    create table mfa_challenges (
      id text primary key,
      user_id uuid not null references users (id) on delete cascade,
      created_at timestamptz not null,
      ip text,
      user_agent text
    );
    create table security_settings (
      id int primary key default 1 check (id = 1),
      mfa_required_for_admins boolean not null default false,
      updated_at timestamptz not null default now()
    );
    insert into security_settings (id) values (1);
  `,
  );
}
