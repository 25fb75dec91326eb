import { type Kysely, sql } from "kysely";

/**
 * Reconciliation search by index (issue 9, docs/BILLING.md "Measured"): a search of the
 * reconciliation view was a substring scan of every row of the period (`strpos` over
 * `search_text`). A trigram GIN index on `search_text` (pg_trgm, created by migration 0018) serves
 * `like '%text%'` (the page and its count). On the partitioned parent so that `replaceSnapshot`, which builds the
 * same index on each new partition in bulk, has it adopted at the attach; existing partitions get
 * theirs built here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create index if not exists reconciliation_rows_search_idx
    on reconciliation_rows using gin (search_text gin_trgm_ops)`.execute(db);
}
