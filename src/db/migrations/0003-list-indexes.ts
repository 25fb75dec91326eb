import type { Kysely } from "kysely";
import { runStatements } from "./run-statements.ts";

/**
 * Map by Module Organization lists every ready module at once in tree order: an index on the tree
 * key alone serves that (the per-module index cannot), and a partial one finds missing records.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create index module_organizations_tree_sort_idx on module_organizations (tree_sort, id);
    create index module_organizations_missing_idx on module_organizations (module_key) where status = 'missing';
  `,
  );
}
