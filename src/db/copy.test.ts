import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { useTestContext } from "../../test/support/test-context.ts";
import { type CopyTextRow, CopyTextRows, copyToStdout } from "./copy.ts";

const encode = (text: string) => new TextEncoder().encode(text);

/** Every row as its fields' texts (null for \N), fed in pieces cut at each of `cuts`. */
function rowsOf(text: string, cuts: number[] = []): (string | null)[][] {
  const out: (string | null)[][] = [];
  const reader = new CopyTextRows((row: CopyTextRow) => {
    out.push(Array.from({ length: row.count }, (_, i) => (row.isNull(i) ? null : row.text(i))));
  });
  const bytes = encode(text);
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    reader.push(bytes.subarray(at, cut));
    at = cut;
  }
  reader.end();
  return out;
}

describe("COPY text rows", () => {
  it("splits rows and fields, a row cut anywhere across chunks", () => {
    const text = "a\tb\\tc\t\\N\n12\t-7\t\n";
    const whole = rowsOf(text);
    expect(whole).toEqual([
      ["a", "b\tc", null],
      ["12", "-7", ""],
    ]);
    for (let cut = 1; cut < text.length; cut++) expect(rowsOf(text, [cut])).toEqual(whole);
  });

  it("decodes escapes and UTF-8, reads whole numbers, compares fields by bytes", () => {
    const seen: unknown[] = [];
    let kept: Uint8Array | null = null;
    const reader = new CopyTextRows((row) => {
      seen.push([row.text(0), row.integer(1), kept !== null && row.same(0, kept)]);
      kept = row.keep(0);
    });
    reader.push(encode("Zürich \\\\ \\n\\011x\t1794880800000\nZürich \\\\ \\n\\011x\t-3\n"));
    reader.end();
    expect(seen).toEqual([
      ["Zürich \\ \n\tx", 1794880800000, false],
      ["Zürich \\ \n\tx", -3, true],
    ]);
  });

  it("refuses a field that is no whole number and output that ends inside a row", () => {
    const reader = new CopyTextRows((row) => row.integer(0));
    expect(() => reader.push(encode("12a\n"))).toThrow(/no whole number/);
    const cut = new CopyTextRows(() => {});
    cut.push(encode("1\t2"));
    expect(() => cut.end()).toThrow(/inside a row/);
  });
});

describe("COPY out of the database", () => {
  const t = useTestContext();

  it("streams a query's rows to the sink, nulls, escapes and numbers as the server writes them", async () => {
    const rows: (string | number | null)[][] = [];
    const reader = new CopyTextRows((row) =>
      rows.push([row.text(0), row.isNull(1) ? null : row.integer(1), row.text(2)]),
    );
    await t.ctx.db.executeQuery(
      copyToStdout(
        "select g::text, case when g % 2 = 0 then null else g::int8 * 1000000000 end, 'tab\there ' || g from generate_series(1, 3000) g order by g::int",
        (chunk) => reader.push(chunk),
      ),
    );
    reader.end();
    expect(rows).toHaveLength(3000);
    expect(rows[0]).toEqual(["1", 1_000_000_000, "tab\there 1"]);
    expect(rows[1]).toEqual(["2", null, "tab\there 2"]);
    expect(rows[2998]).toEqual(["2999", 2_999_000_000_000, "tab\there 2999"]);
  });

  it("fails with the sink's error and leaves the connection usable", async () => {
    const copy = t.ctx.db.executeQuery(
      copyToStdout("select g from generate_series(1, 100000) g", () => {
        throw new Error("sink refused");
      }),
    );
    await expect(copy).rejects.toThrow("sink refused");
    const after = await sql<{ n: number }>`select 1 + 1 as n`.execute(t.ctx.db);
    expect(after.rows[0]!.n).toBe(2);
  });
});
