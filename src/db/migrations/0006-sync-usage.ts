import type { Kysely } from "kysely";
import { runStatements } from "./run-statements.ts";

/**
 * Issue 9: a sync run also reads usage (a module) or contracts (the PSA). `billing` keeps that
 * part's outcome (complete or failed, the typed error, requests spent, counts); its rejected
 * readings or records (at most 1,000; the counts count all) are kept apart in `billing_rejected`,
 * so that run lists, which leave the rejected records out, stay small. Null: no such read was made.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table sync_runs add column billing jsonb;
    alter table sync_runs add column billing_rejected jsonb not null default '[]';
  `,
  );
}
