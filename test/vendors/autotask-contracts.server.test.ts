import { describe, expect, it } from "vitest";
import { matchesFilter } from "./autotask-contracts.server.ts";

const contract = {
  id: 7,
  companyID: 1000,
  Status: 1, // "Status": names match whatever their case
  startDate: "2026-01-01T00:00:00Z",
  endDate: null,
};

describe("the emulator's Autotask filter", () => {
  it("compares numbers, dates and field names the way Autotask does (case-insensitive names)", () => {
    expect(matchesFilter(contract, { op: "eq", field: "status", value: 1 })).toBe(true);
    expect(matchesFilter(contract, { op: "eq", field: "companyid", value: "1000" })).toBe(true);
    expect(matchesFilter(contract, { op: "lt", field: "startDate", value: "2026-01-02" })).toBe(true);
    expect(matchesFilter(contract, { op: "gte", field: "startDate", value: "2026-01-02" })).toBe(false);
    expect(matchesFilter(contract, { op: "noteq", field: "endDate", value: "2026-01-01" })).toBe(true);
  });

  it("knows in, notin, exist, notExist and and/or groups", () => {
    expect(matchesFilter(contract, { op: "in", field: "id", value: [1, 7] })).toBe(true);
    expect(matchesFilter(contract, { op: "notin", field: "id", value: [1, 7] })).toBe(false);
    expect(matchesFilter(contract, { op: "exist", field: "startDate" })).toBe(true);
    expect(matchesFilter(contract, { op: "notExist", field: "endDate" })).toBe(true);
    expect(
      matchesFilter(contract, {
        op: "or",
        items: [
          { op: "eq", field: "id", value: 1 },
          {
            op: "and",
            items: [
              { op: "eq", field: "id", value: 7 },
              { op: "exist", field: "companyID" },
            ],
          },
        ],
      }),
    ).toBe(true);
  });

  it("refuses an operator it does not emulate and a malformed condition, so a bad filter fails in tests", () => {
    expect(() => matchesFilter(contract, { op: "like", field: "id", value: 1 })).toThrow(
      'Unknown filter operator "like"',
    );
    expect(() => matchesFilter(contract, { op: "in", field: "id", value: 3 })).toThrow(
      "requires a list of values",
    );
    expect(() => matchesFilter(contract, { op: "in", field: "id", value: [1, 2, 3] }, 2)).toThrow(
      "at most 2 values",
    );
    expect(() => matchesFilter(contract, { op: "and" })).toThrow("requires items");
  });
});
