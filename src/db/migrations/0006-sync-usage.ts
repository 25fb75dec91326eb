import type { Kysely } from "kysely";
import { runStatements } from "./run-statements.ts";

/**
 * Issue 9: a sync run also reads usage (a module) or contracts (the PSA). `billing` keeps that
 * part's outcome (complete or failed, the typed error, requests spent, counts); its rejected
 * readings or records (at most 1,000; the counts count all) are kept apart in `billing_rejected`,
 * so that run lists, which leave the rejected records out, stay small. Null: no such read was made.
 *
 * `usage_ledger_digests`: per module organization, its open ledger rows in one text ("devices=12;
 * devices.server=?" sorted by billing type; unknown is "?" whatever its reason, as the ledger
 * compares them) and the latest `valid_from` among them. The nightly write compares a read with one
 * row per module organization and reads the open rows only of those whose state changed. Backfilled
 * from the open rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table sync_runs add column billing jsonb;
    alter table sync_runs add column billing_rejected jsonb not null default '[]';
    create table usage_ledger_digests (
      module_organization_id uuid primary key references module_organizations (id) on delete cascade,
      digest text not null,
      latest_from timestamptz not null
    );
    insert into usage_ledger_digests (module_organization_id, digest, latest_from)
      select module_organization_id,
        string_agg(billing_type || '=' || coalesce(quantity::text, '?'), ';' order by billing_type collate "C"),
        max(valid_from)
      from usage_ledger where valid_to is null
      group by module_organization_id;
  `,
  );
}
