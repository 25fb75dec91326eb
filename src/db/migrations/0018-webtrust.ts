import type { Kysely } from "kysely";
import { runStatements } from "./run-statements.ts";

/**
 * Issue 13 point 11: search that forgives typos ("acme capitl" finds "Acme Capital"). pg_trgm is a
 * trusted extension on PostgreSQL 13+ and ships with PGlite (loaded in `database.ts`); its GIN
 * indexes serve both the substring (`ilike '%x%'`) and the word-similarity (`<%`) matches of
 * `db/name-search.ts`, so a search no longer reads every row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create extension if not exists pg_trgm;
    create index if not exists organizations_name_trgm_idx on organizations using gin (name gin_trgm_ops);
    create index if not exists module_organizations_name_trgm_idx on module_organizations using gin (name gin_trgm_ops);
  `,
  );
}
