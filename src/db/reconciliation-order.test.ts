import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test/support/seeded-random.ts";
import { useTestContext } from "../../test/support/test-context.ts";
import { compareCodePoints } from "../domain/text.ts";
import { type OrderedRow, rowOrders } from "./reconciliation-order.ts";

const WORDS = ["acme", "Acme", "ácme", "zeta", "éclair", "😀 smile", "\uffef end", "a", "", "ab", "a b"];
const ASCII = ["acme", "Acme", "zeta", "a", "", "ab", "a b", "b"];
const MONEY = ["0.0000", "1.5000", "1.5001", "12.0000", "99999999999.9999"];

function randomRows(
  count: number,
  seed: number,
  words: readonly string[] = WORDS,
  money: readonly string[] = MONEY,
): OrderedRow[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  return Array.from({ length: count }, (_, i) => ({
    row_key: `${pick(words)}|${i}`,
    state_rank: Math.floor(random() * 4),
    abs_money: random() < 0.2 ? null : pick(money),
    units_at_stake: Math.floor(random() * 3),
    sort_name: pick(words),
  }));
}

describe("the reconciliation view's stored orders", () => {
  const t = useTestContext();

  it("compares by code point (UTF-8's byte order), astral characters after the rest of the BMP", () => {
    expect(compareCodePoints("a", "b")).toBeLessThan(0);
    expect(compareCodePoints("ab", "a")).toBeGreaterThan(0);
    expect(compareCodePoints("😀", "\uffef")).toBeGreaterThan(0);
    expect(compareCodePoints("é", "z")).toBeGreaterThan(0);
    expect(compareCodePoints("same", "same")).toBe(0);
  });

  it.each([
    ["any text", randomRows(600, 7)],
    ["text below U+D800 (native comparison)", randomRows(600, 8, ASCII)],
    [
      "money beyond 2^53 ten-thousandths (bigint comparison)",
      randomRows(600, 9, WORDS, [...MONEY, "999999999999999.9999", "999999999999999.9998"]),
    ],
  ])(
    "ranks rows as the database's ORDER BY does (attention and organization orders): %s",
    async (_, rows) => {
      await sql`create temporary table ordered (
      row_key text collate "C", state_rank smallint, abs_money numeric(19, 4), units_at_stake integer,
      sort_name text collate "C")`.execute(t.ctx.db);
      for (const r of rows) {
        await sql`insert into ordered values (${r.row_key}, ${r.state_rank}, ${r.abs_money}, ${r.units_at_stake}, ${r.sort_name})`.execute(
          t.ctx.db,
        );
      }
      const attention = await sql<{ row_key: string }>`select row_key from ordered
      order by state_rank, abs_money desc nulls last, units_at_stake desc, row_key`.execute(t.ctx.db);
      const byName = await sql<{
        row_key: string;
      }>`select row_key from ordered order by sort_name, row_key`.execute(t.ctx.db);
      await sql`drop table ordered`.execute(t.ctx.db);

      const { attentionRank, nameRank, byAttention } = rowOrders(rows);
      const inOrder = (rank: Int32Array) => {
        const keys = new Array<string>(rows.length);
        rows.forEach((row, i) => {
          keys[rank[i]!] = row.row_key;
        });
        return keys;
      };
      expect(inOrder(attentionRank)).toEqual(attention.rows.map((r) => r.row_key));
      expect(inOrder(nameRank)).toEqual(byName.rows.map((r) => r.row_key));
      expect([...byAttention].map((i) => rows[i]!.row_key)).toEqual(attention.rows.map((r) => r.row_key));
    },
  );
});
