import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { buildMatchIndex } from "../matching/engine.ts";
import { alikeHint, answerRows, csvRecord, type NumberedQuery } from "./match.rows.ts";

describe("csvRecord", () => {
  it("writes a record exactly as csv-stringify does with its defaults", () => {
    const fields = [
      "",
      "plain",
      "with, comma",
      'a "quoted" word',
      "line\nbreak",
      "carriage\rreturn",
      "'O''Donnell'; the site 'Main' is set apart",
      "-1",
      "=SUM(A1)",
      " spaced ",
      "tab\there",
      "ünïcödé, „quotes“",
    ];
    for (const field of fields) {
      const record = ["m1", "1", field, "0.950", "true", field];
      expect(csvRecord(record)).toBe(stringify([record]));
    }
    expect(csvRecord(fields)).toBe(stringify([fields]));
  });
});

describe("answerRows with names likely alike", () => {
  it("answers each name of a group as it answers it alone", () => {
    const index = buildMatchIndex({
      organizations: [
        { id: "o1", name: "Riplexmar Group S.A." },
        { id: "o2", name: "De Priest Dental" },
        { id: "o3", name: "AT&T" },
      ],
    });
    const names = [
      "Riplexmar Group SA",
      "RIPLEXMAR GROUP S.A.",
      "DePriest Dental",
      "De Priest dental",
      "AT and T",
    ];
    expect(new Set(names.slice(0, 2).map(alikeHint)).size).toBe(1);
    expect(alikeHint("DePriest Dental")).toBe(alikeHint("De Priest dental")); // a hint; not alike once normalized
    expect(alikeHint("AT&T")).toBe(alikeHint("AT and T"));
    const queries: NumberedQuery[] = names.map((name, at) => ({ at, query: { id: `m${at}`, name } }));
    const alone = answerRows(index, queries, 3);
    const [first, ...rest] = queries as [NumberedQuery, ...NumberedQuery[]];
    const grouped = answerRows(index, [{ ...first, alike: rest, same: [{ at: 9, id: "m9" }] }], 3);
    const byAt = new Map(grouped.map((a) => [a.at, a]));
    for (const answer of alone) expect(byAt.get(answer.at)).toEqual(answer);
    expect(byAt.get(9)?.csv).toBe(alone[0]?.csv.replaceAll("m0,", "m9,"));
  });
});
