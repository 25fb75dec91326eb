import { stringify } from "csv-stringify/sync";
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

/** The candidates of each module organization as `orgmap match` CSV rows. */
export function answerRows(index: MatchIndex, queries: readonly NumberedQuery[], top: number): RowsAnswer[] {
  const out: RowsAnswer[] = [];
  for (const { at, query, same } of queries) {
    const candidates = suggest(index, query, { top });
    const best = candidates[0];
    const accepted = best?.accept === true ? best.organizationId : null;
    const answer = (id: string, at: number): RowsAnswer => {
      const rows = candidates.map((c, rank) => [
        id,
        String(rank + 1),
        c.organizationId,
        c.score.toFixed(3),
        String(c.accept),
        c.reasons.join("; "),
      ]);
      return { at, csv: rows.length === 0 ? "" : stringify(rows), accepted };
    };
    out.push(answer(query.id, at));
    for (const other of same ?? []) out.push(answer(other.id, other.at));
  }
  return out;
}
