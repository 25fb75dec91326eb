import type { Kysely } from "kysely";
import { runStatements } from "./run-statements.ts";

/**
 * Issue 11, single sign-on (OpenID Connect). Users get an e-mail address (matched, case-insensitive,
 * against the verified e-mail of a sign-in). `oidc_provider` holds the one provider an admin
 * configures (its client secret sealed with the instance key). `oidc_logins` holds each started
 * sign-in between the redirect to the provider and its callback (state, nonce and PKCE verifier, the
 * verifier sealed). A session remembers how it was opened (`password` or `sso`): orgmap's MFA is not
 * asked after single sign-on. `security_settings` gains the switch that turns password login off for
 * everyone but one named break-glass admin.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table users add column email text;
    create unique index users_email on users (lower(email)) where email is not null;

    alter table sessions add column auth_method text not null default 'password';

    alter table security_settings add column password_login_enabled boolean not null default true;
    alter table security_settings add column break_glass_username text;

    create table oidc_provider (
      id int primary key default 1 check (id = 1),
      enabled boolean not null default true,
      issuer_url text not null,
      client_id text not null,
      client_secret text,
      display_name text not null,
      default_role text not null check (default_role in ('viewer', 'editor', 'admin')),
      allowed_domains jsonb not null default '[]',
      updated_at timestamptz not null
    );

    create table oidc_logins (
      id text primary key,
      state text not null,
      nonce text not null,
      code_verifier text not null,
      redirect_uri text not null,
      created_at timestamptz not null
    );
  `,
  );
}
