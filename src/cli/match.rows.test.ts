import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { csvRecord } from "./match.rows.ts";

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
