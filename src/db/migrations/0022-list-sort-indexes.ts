import { type Kysely, sql } from "kysely";

/**
 * Issue 13: tab 2's sorted orders (`GET /module-organizations?sort=...`, pages by offset) sorted
 * every joined row on every block (1.5-3 s at 200,000 rows under load). These indexes let the
 * planner walk the order and stop after offset + limit rows:
 * - `-name` orders by `lower(mo.name) desc, mo.id desc`: a backward scan of `(lower(name), id)`.
 * - `module` / `-module` order by the module key, then the tree key and the id; `module`
 *   walks `module_organizations_tree_idx` forward, `-module` needs the key descending with the tree
 *   key ascending, which `(module_key desc, tree_sort, id)` gives forward.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index module_organizations_lower_name_idx on module_organizations (lower(name), id)`.execute(
    db,
  );
  await sql`
    create index module_organizations_module_desc_idx on module_organizations (module_key desc, tree_sort, id)
  `.execute(db);
}
