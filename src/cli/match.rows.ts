import { type MatchIndex, type MatchQuery, suggest } from "../matching/engine.ts";

/** A module organization to answer, with its position in the input. */
export interface NumberedQuery {
  at: number;
  query: MatchQuery;
  /**
   * Other module organizations asking exactly the same (same name, no PSA id, no parent target): they
   * get the same candidates under their own id, worked out once.
   */
  same?: Array<{ at: number; id: string }>;
}

/** What the main thread sends a worker of `orgmap match`. */
export interface MatchBatch {
  id: number;
  queries: NumberedQuery[];
}

/** One module organization's CSV rows ("" when it has no candidate) and the organization accepted for it. */
export interface RowsAnswer {
  at: number;
  csv: string;
  accepted: string | null;
}

/** A worker's answer to one batch. */
export interface MatchBatchAnswer {
  id: number;
  answers: RowsAnswer[];
}

const NEEDS_QUOTES = /[",\n\r]/;

/**
 * One CSV record as csv-stringify writes it with its defaults (a field holding a comma, a quote or a
 * line break is quoted, its quotes doubled; a line break ends the record), without its per-call setup:
 * a few microseconds per module organization.
 */
export function csvRecord(fields: readonly string[]): string {
  const out: string[] = [];
  for (const field of fields) out.push(NEEDS_QUOTES.test(field) ? `"${field.replaceAll('"', '""')}"` : field);
  return `${out.join(",")}\n`;
}

/** The candidates of each module organization as `orgmap match` CSV rows. */
export function answerRows(index: MatchIndex, queries: readonly NumberedQuery[], top: number): RowsAnswer[] {
  const out: RowsAnswer[] = [];
  for (const { at, query, same } of queries) {
    const candidates = suggest(index, query, { top });
    const best = candidates[0];
    const accepted = best?.accept === true ? best.organizationId : null;
    const answer = (id: string, at: number): RowsAnswer => {
      // Joined once: one flat string per answer (a chain of concatenations would keep its pieces).
      const csv = candidates
        .map((c, rank) =>
          csvRecord([
            id,
            String(rank + 1),
            c.organizationId,
            c.score.toFixed(3),
            String(c.accept),
            c.reasons.join("; "),
          ]),
        )
        .join("");
      return { at, csv, accepted };
    };
    out.push(answer(query.id, at));
    for (const other of same ?? []) out.push(answer(other.id, other.at));
  }
  return out;
}
