import { sql } from "kysely";
import type { Db } from "../../src/db/database.ts";

/** Rewritten by reset() rather than emptied: the migrations seed their one row. */
const SINGLE_ROW_TABLES = ["settings", "psa_connection"];

/**
 * The statements that empty every table the tests fill, worked out once per database from its
 * catalog (so a new table needs nothing here): `delete` from children before their parents, then
 * the sequences restarted, as `truncate ... restart identity` would. On PostgreSQL a truncate of
 * every table costs about 200 ms a test (each table gets new files); deleting a test's few rows
 * costs a few. With foreign keys in a cycle between tables it falls back to one truncate.
 */
export async function emptyingStatements(db: Db): Promise<string[]> {
  const tables = (
    await sql<{ name: string }>`
      select tablename as name from pg_tables where schemaname = 'public' and tablename not like 'kysely_%'
    `.execute(db)
  ).rows
    .map((r) => r.name)
    .filter((t) => !SINGLE_ROW_TABLES.includes(t));
  const references = (
    await sql<{ child: string; parent: string }>`
      select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent
      from pg_constraint c
      where c.contype = 'f' and c.connamespace = 'public'::regnamespace and c.conrelid <> c.confrelid
    `.execute(db)
  ).rows;
  const sequences = (
    await sql<{ name: string }>`
      select s.oid::regclass::text as name
      from pg_class s
      join pg_depend d on d.objid = s.oid and d.deptype in ('a', 'i')
      join pg_class t on t.oid = d.refobjid
      where s.relkind = 'S' and t.relnamespace = 'public'::regnamespace
    `.execute(db)
  ).rows.map((r) => r.name);

  const order = childrenFirst(tables, references);
  if (!order) return [`truncate ${tables.join(", ")} restart identity cascade`];
  return [...order.map((t) => `delete from ${t}`), ...sequences.map((s) => `alter sequence ${s} restart`)];
}

/** The tables ordered so that every table comes before the tables it references; null on a cycle. */
function childrenFirst(tables: string[], references: { child: string; parent: string }[]): string[] | null {
  const order: string[] = [];
  const left = new Set(tables);
  while (left.size > 0) {
    // A table can go once no table still left references it.
    const free = [...left].filter((t) => !references.some((r) => r.parent === t && left.has(r.child)));
    if (free.length === 0) return null;
    for (const t of free) {
      order.push(t);
      left.delete(t);
    }
  }
  return order;
}
