import { parseDecimal } from "../domain/billing/money.ts";
import { compareCodePoints } from "../domain/text.ts";

/**
 * The reconciliation view's two indexed orders, worked out before a period's rows are stored
 * (migration 0023), so that the database indexes a whole number per row instead of sorting text
 * and decimals (the btree builds over `(state_rank, abs_money, units_at_stake, row_key)` and
 * `(sort_name, row_key)` were 4 s of the 50,000-organization store):
 *
 * - attention: `state_rank`, then `abs_money desc nulls last`, `units_at_stake desc`, `row_key`;
 * - organization: `sort_name`, then `row_key`.
 *
 * Texts compare as PostgreSQL's `collate "C"` does (the columns' collation): by code point, which
 * is UTF-8's byte order. `reconciliation-order.test.ts` checks both against the database's own
 * ORDER BY.
 */
export interface OrderedRow {
  row_key: string;
  state_rank: number;
  abs_money: string | null;
  units_at_stake: number;
  sort_name: string;
}

/** Whether every text is below U+D800, where `<` already is code point order. */
const belowSurrogates = (texts: readonly string[]) => texts.every((text) => !/[\ud800-\uffff]/.test(text));

/** Indexes of `texts` in code point order (native comparison when it is the same). */
function sortedIndexes(texts: readonly string[]): number[] {
  const indexes = Array.from({ length: texts.length }, (_, i) => i);
  if (belowSurrogates(texts))
    indexes.sort((i, j) => (texts[i]! < texts[j]! ? -1 : texts[i]! > texts[j]! ? 1 : 0));
  else indexes.sort((i, j) => compareCodePoints(texts[i]!, texts[j]!));
  return indexes;
}

/**
 * `abs_money` (decimal text, 4 places) as whole ten-thousandths in a float, exact below 2^53; null
 * when some value is too large for that (then the rows compare as bigints).
 */
function moneyAsUnits(rows: readonly OrderedRow[]): Float64Array | null {
  const units = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const value = parseDecimal(rows[i]!.abs_money);
    if (value === null) units[i] = Number.NaN;
    else if (value > BigInt(Number.MAX_SAFE_INTEGER)) return null;
    else units[i] = Number(value);
  }
  return units;
}

/**
 * Each row's position (0-based) in the attention order and in the organization order, and the
 * rows' indexes in attention order (the order to store them in: the table is then in the order of
 * its most read index). Every comparison is of numbers: the texts are ranked once each.
 */
export function rowOrders(rows: readonly OrderedRow[]): {
  attentionRank: Int32Array;
  nameRank: Int32Array;
  byAttention: Int32Array;
} {
  const n = rows.length;
  // The row key's rank (keys are unique within a period): every tie's last word.
  const keyRank = new Int32Array(n);
  sortedIndexes(rows.map((row) => row.row_key)).forEach((row, rank) => {
    keyRank[row] = rank;
  });
  // Organization order: the name's rank among the distinct names, then the key's.
  const names = [...new Set(rows.map((row) => row.sort_name))];
  const nameOf = new Map<string, number>();
  sortedIndexes(names).forEach((name, rank) => {
    nameOf.set(names[name]!, rank);
  });
  const nameKey = new Int32Array(n);
  for (let i = 0; i < n; i++) nameKey[i] = nameOf.get(rows[i]!.sort_name)!;
  const byName = Array.from({ length: n }, (_, i) => i);
  byName.sort((i, j) => nameKey[i]! - nameKey[j]! || keyRank[i]! - keyRank[j]!);

  const state = Int32Array.from(rows, (row) => row.state_rank);
  const stake = Int32Array.from(rows, (row) => row.units_at_stake);
  const units = moneyAsUnits(rows);
  const big = units === null ? rows.map((row) => parseDecimal(row.abs_money)) : null;
  // |money| descending, nulls (NaN) last.
  const byMoney = (i: number, j: number): number => {
    if (units) {
      const x = units[i]!;
      const y = units[j]!;
      if (x === y) return 0;
      if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
      if (Number.isNaN(y)) return -1;
      return y - x;
    }
    const x = big![i]!;
    const y = big![j]!;
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return x > y ? -1 : 1;
  };
  const attention = Array.from({ length: n }, (_, i) => i);
  attention.sort(
    (i, j) => state[i]! - state[j]! || byMoney(i, j) || stake[j]! - stake[i]! || keyRank[i]! - keyRank[j]!,
  );

  const attentionRank = new Int32Array(n);
  const nameRank = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    attentionRank[attention[k]!] = k;
    nameRank[byName[k]!] = k;
  }
  return { attentionRank, nameRank, byAttention: Int32Array.from(attention) };
}
