import {
  type Candidate,
  type MatchIndex,
  type MatchQuery,
  suggest,
  suggestAlike,
} from "../matching/engine.ts";

/** A module organization to answer, with its position in the input. */
export interface NumberedQuery {
  at: number;
  query: MatchQuery;
  /**
   * Other module organizations asking exactly the same (same name, no PSA id, no parent target): they
   * get the same candidates under their own id, worked out once.
   */
  same?: Array<{ at: number; id: string }>;
  /**
   * Other names likely to normalize alike (the same letters and digits, case and punctuation aside):
   * answered with this one by `suggestAlike`, which ranks those that truly do once.
   */
  alike?: NumberedQuery[];
}

/** What groups names as likely alike: lower case, each run of other characters than letters and digits a space. */
export function alikeHint(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
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
  const rows = ({ at, query, same }: NumberedQuery, candidates: Candidate[]): void => {
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
  };
  for (const numbered of queries) {
    if (numbered.alike === undefined) {
      rows(numbered, suggest(index, numbered.query, { top }));
      continue;
    }
    const group = [numbered, ...numbered.alike];
    const answers = suggestAlike(
      index,
      group.map((q) => q.query),
      { top },
    );
    group.forEach((member, i) => {
      rows(member, answers[i] as Candidate[]);
    });
  }
  return out;
}
