import { describe, expect, it } from "vitest";
import { attributeUsage } from "./attribution.ts";
import { day, mapped, NOVEMBER as period, usage } from "./billing-test-support.ts";

const short = (segments: ReturnType<typeof attributeUsage>) =>
  segments.map((s) => [
    s.from.getUTCDate(),
    s.to.getTime() === period.end.getTime() ? "end" : s.to.getUTCDate(),
    s.organizationId,
    s.quantity,
  ]);

describe("rule 12: usage follows the mapping in force when it was read", () => {
  it("gives the whole period to the one organization mapped all along", () => {
    const segments = attributeUsage(period, [mapped("A", new Date(0))], [usage(10, new Date(0))]);
    expect(short(segments)).toEqual([[1, "end", "A", 10]]);
  });

  it("splits the period at a move on the 15th", () => {
    const segments = attributeUsage(
      period,
      [mapped("A", new Date(0), day(15)), mapped("B", day(15))],
      [usage(10, new Date(0))],
    );
    expect(short(segments)).toEqual([
      [1, 15, "A", 10],
      [15, "end", "B", 10],
    ]);
  });

  it("cuts at usage changes too, and joins stretches that did not change", () => {
    const segments = attributeUsage(
      period,
      [mapped("A", new Date(0), day(10)), mapped("A", day(10))],
      [usage(10, new Date(0), day(5)), usage(12, day(5), day(20)), usage(9, day(20))],
    );
    expect(short(segments)).toEqual([
      [1, 5, "A", 10],
      [5, 20, "A", 12],
      [20, "end", "A", 9],
    ]);
  });

  it("never bills time while the module organization is excluded", () => {
    const segments = attributeUsage(
      period,
      [mapped("A", new Date(0), day(8)), mapped("A", day(8), day(22), true), mapped("A", day(22))],
      [usage(10, new Date(0))],
    );
    expect(short(segments)).toEqual([
      [1, 8, "A", 10],
      [22, "end", "A", 10],
    ]);
    const alwaysExcluded = attributeUsage(
      period,
      [mapped(null, new Date(0), null, true)],
      [usage(10, new Date(0))],
    );
    expect(alwaysExcluded).toEqual([]);
  });

  it("lists usage while unmapped under no organization, and time with no mapping row as unmapped", () => {
    const segments = attributeUsage(period, [mapped("A", day(12))], [usage(3, new Date(0))]);
    expect(short(segments)).toEqual([
      [1, 12, null, 3],
      [12, "end", "A", 3],
    ]);
  });

  it("yields nothing before the first reading", () => {
    const segments = attributeUsage(period, [mapped("A", new Date(0))], [usage(4, day(20))]);
    expect(short(segments)).toEqual([[20, "end", "A", 4]]);
  });

  it("keeps an unknown stretch unknown, carrying the last known quantity beside it (rule 13)", () => {
    const segments = attributeUsage(
      period,
      [mapped("A", new Date(0))],
      [usage(10, new Date(0), day(9)), usage(null, day(9), day(12)), usage(11, day(12))],
    );
    expect(segments[1]).toMatchObject({ quantity: null, unknownReason: "failed", lastKnownQuantity: 10 });
    expect(segments.map((s) => s.quantity)).toEqual([10, null, 11]);
  });

  it("ignores what lies outside the period", () => {
    const segments = attributeUsage(
      period,
      [mapped("A", new Date(0), day(1)), mapped("B", day(1))],
      [usage(7, new Date(0), day(1)), usage(8, day(1))],
    );
    expect(short(segments)).toEqual([[1, "end", "B", 8]]);
  });
});
