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

/**
 * What groups names as likely alike: their letters and digits in lower case, "&" and "+" read as "and"
 * ("S.A." and "SA", "AT&T" and "AT and T" agree). Only a hint: `suggestAlike` shares a ranking only
 * between names that do normalize alike, so a group with others in it costs nothing but the look.
 */
export function alikeHint(name: string): string {
  return name
    .toLowerCase()
    .replace(/[&+]/g, "and")
    .replace(/[^a-z0-9]+/g, "");
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

/**
 * Answers to one batch as bytes (UTF-8, every answer's rows one after the other): a worker transfers the
 * buffer rather than having its strings copied, and the main thread writes the bytes as they are.
 */
export interface PackedAnswers {
  /** Each answer's module organization, by its position in the input. */
  ats: Int32Array<ArrayBuffer>;
  /** Where each answer's rows end in `bytes` (each starts where the one before ends). */
  ends: Int32Array<ArrayBuffer>;
  /** The rows; its buffer may be longer than the last end. */
  bytes: Uint8Array<ArrayBuffer>;
  /** The answers (by their place here) whose best candidate is accepted, and that organization. */
  accepted: Array<[number, string]>;
}

/** A worker's answer to one batch. */
export interface MatchBatchAnswer {
  id: number;
  packed: PackedAnswers;
}

const encoder = new TextEncoder();

/** {@link PackedAnswers} of `answers`. */
export function packAnswers(answers: readonly RowsAnswer[]): PackedAnswers {
  const n = answers.length;
  const ats = new Int32Array(n);
  const ends = new Int32Array(n);
  const accepted: Array<[number, string]> = [];
  let bytes = new Uint8Array(256 * n + 1024);
  let used = 0;
  for (let i = 0; i < n; i++) {
    const { at, csv, accepted: organizationId } = answers[i] as RowsAnswer;
    if (used + 3 * csv.length > bytes.length) {
      // A UTF-16 unit is at most 3 bytes of UTF-8.
      const grown = new Uint8Array(Math.max(2 * bytes.length, used + 3 * csv.length));
      grown.set(bytes.subarray(0, used));
      bytes = grown;
    }
    used += encoder.encodeInto(csv, bytes.subarray(used)).written;
    ats[i] = at;
    ends[i] = used;
    if (organizationId !== null) accepted.push([i, organizationId]);
  }
  return { ats, ends, bytes, accepted };
}

const NEEDS_QUOTES = /[",\n\r]/;

/**
 * One CSV record as csv-stringify writes it with its defaults (a field holding a comma, a quote or a
 * line break is quoted, its quotes doubled; a line break ends the record), without its per-call setup:
 * a few microseconds per module organization.
 */
export function csvRecord(fields: readonly string[]): string {
  const out: string[] = [];
  for (const field of fields) out.push(csvField(field));
  return `${out.join(",")}\n`;
}

/** One field as {@link csvRecord} writes it. */
function csvField(field: string): string {
  return NEEDS_QUOTES.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/** The candidates of each module organization as `orgmap match` CSV rows. */
export function answerRows(index: MatchIndex, queries: readonly NumberedQuery[], top: number): RowsAnswer[] {
  const out: RowsAnswer[] = [];
  const rows = ({ at, query, same }: NumberedQuery, candidates: Candidate[]): void => {
    const best = candidates[0];
    const accepted = best?.accept === true ? best.organizationId : null;
    // Each candidate's row after the module organization's id: `csvRecord` of its fields (the rank, the
    // score and the flag never need quotes), worked out once for the ids that share the answer.
    const tails = candidates.map(
      (c, rank) =>
        `,${rank + 1},${csvField(c.organizationId)},${c.score.toFixed(3)},${c.accept},${csvField(c.reasons.join("; "))}\n`,
    );
    const answer = (id: string, at: number): RowsAnswer => {
      const head = csvField(id);
      // Joined once: one flat string per answer (a chain of concatenations would keep its pieces).
      let csv = "";
      if (tails.length === 1) csv = head + (tails[0] as string);
      else if (tails.length > 1) csv = tails.map((tail) => head + tail).join("");
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
