import { type Kysely, type RawBuilder, type SqlBool, sql } from "kysely";
import type { Database } from "./schema.ts";

/** Shorter searches match by substring only: a trigram match of two or three letters is noise. */
const MIN_FUZZY_LENGTH = 4;

/** Escapes LIKE wildcards so a search for "100%" finds "100%", not everything. */
export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Where a search looks: a table, the alias the caller's query gives it, its name and id columns. */
export interface SearchTarget {
  table: "organizations" | "module_organizations";
  /** The caller's alias of `table` ("o", "mo"), or none when the query names the table itself. */
  alias?: string;
  name: string;
  /** A PSA id or a module's external id, found when typed exactly. */
  id: string;
}

/**
 * Issue 13 point 11: a name search that forgives typos. A row matches when its name contains the
 * text (any case) or its id equals it. Only when no row of the table does (a typo: "acme capitl")
 * does the search fall back to names with a stretch close to the text by pg_trgm's word similarity
 * (`text <% name`: at least `pg_trgm.word_similarity_threshold`, 0.6 by default; "Acme Capital"
 * scores 0.83, "Brookside Capital Associates LLC" 0.42). Deciding first, with one cheap look-up,
 * keeps each query a single condition that the trigram GIN index of migration 0018 serves (an OR
 * of both made PostgreSQL score every row), and a plain search as exact as before.
 * pg_trgm is loaded into PGlite by `database.ts`. Table and column names are SQL identifiers of
 * the caller's query, never user input.
 */
export async function searchCondition(
  db: Kysely<Database>,
  target: SearchTarget,
  search: string,
): Promise<RawBuilder<SqlBool>> {
  const text = search.trim();
  const pattern = likePattern(text);
  const literal = (alias?: string) => {
    const column = (name: string) => sql.ref(alias ? `${alias}.${name}` : name);
    return sql<SqlBool>`(${column(target.name)} ilike ${pattern} or ${column(target.id)} = ${text})`;
  };
  if (text.length < MIN_FUZZY_LENGTH) return literal(target.alias);
  const found = await sql<{
    one: number;
  }>`select 1 as one from ${sql.table(target.table)} where ${literal()} limit 1`.execute(db);
  if (found.rows.length > 0) return literal(target.alias);
  const name = sql.ref(target.alias ? `${target.alias}.${target.name}` : target.name);
  return sql<SqlBool>`(${text} <% ${name})`;
}
