import { type Kysely, sql } from "kysely";

/**
 * Reconciliation speed (docs/BILLING.md "Measured"): the snapshot rows lose their foreign key to
 * `reconciliation_snapshots`. PostgreSQL checks a foreign key with a trigger per inserted row
 * (a lookup of the snapshot row each), and a period stores tens of thousands of rows at once.
 * `ReconciliationRepository.replaceSnapshot` is the only writer of both tables and deletes a
 * period's rows itself before its snapshot, in the same transaction, so no row is left orphaned.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table reconciliation_rows drop constraint reconciliation_rows_period_key_fkey`.execute(db);
}
