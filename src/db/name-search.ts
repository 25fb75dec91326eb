import { type RawBuilder, type SqlBool, sql } from "kysely";

/** Shorter searches match by substring only: a trigram match of two or three letters is noise. */
const MIN_FUZZY_LENGTH = 4;

/** Escapes LIKE wildcards so a search for "100%" finds "100%", not everything. */
export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Issue 13 point 11: a name search that forgives typos. A row matches when its name contains the
 * text (any case), or when some stretch of the name is close to the text by pg_trgm's word
 * similarity (`text <% name`: at least `pg_trgm.word_similarity_threshold`, 0.6 by default, so
 * "acme capitl" finds "Acme Capital" (0.83) but not "Brookside Capital Associates LLC" (0.42)), or
 * when `idColumn` (a PSA id, an external id) equals the text exactly. Both use the trigram GIN
 * index of migration 0018; pg_trgm is loaded into PGlite by `database.ts`.
 * Column references are SQL identifiers of the caller's query, never user input.
 */
export function matchesSearch(nameColumn: string, search: string, idColumn?: string): RawBuilder<SqlBool> {
  const text = search.trim();
  const name = sql.ref(nameColumn);
  const conditions = [sql<SqlBool>`${name} ilike ${likePattern(text)}`];
  if (text.length >= MIN_FUZZY_LENGTH) conditions.push(sql<SqlBool>`${text} <% ${name}`);
  if (idColumn) conditions.push(sql<SqlBool>`${sql.ref(idColumn)} = ${text}`);
  return sql<SqlBool>`(${sql.join(conditions, sql` or `)})`;
}
