import { describe, expect, it } from "vitest";
import { attributeUsage, type MappingInterval } from "./attribution.ts";
import { ALWAYS as always, day, mapped, NOVEMBER as period, usage } from "./billing-test-support.ts";
import { desiredUnits, type SourceUsage } from "./desired-units.ts";
import type { UsageInterval } from "./usage-ledger.ts";

const source = (id: string, mappings: MappingInterval[], intervals: UsageInterval[]): SourceUsage => ({
  moduleOrganizationId: id,
  segments: attributeUsage(period, mappings, intervals),
});
const byOrg = (results: ReturnType<typeof desiredUnits>) =>
  Object.fromEntries(results.map((r) => [r.organizationId ?? "(unmapped)", r.units]));

describe("desired units", () => {
  it("sums every module organization mapped to an organization (many-to-one)", () => {
    const results = desiredUnits(period, "latest", [
      source("site-1", [mapped("A", always)], [usage(10, always)]),
      source("site-2", [mapped("A", always)], [usage(5, always)]),
      source("site-3", [mapped("B", always)], [usage(7, always)]),
    ]);
    expect(byOrg(results)).toEqual({ A: 15, B: 7 });
    expect(results.find((r) => r.organizationId === "A")?.sources).toEqual([
      { moduleOrganizationId: "site-1", units: 10, unknownReason: null },
      { moduleOrganizationId: "site-2", units: 5, unknownReason: null },
    ]);
  });

  it("latest: the units in force at the end of the period", () => {
    const [result] = desiredUnits(period, "latest", [
      source(
        "site-1",
        [mapped("A", always)],
        [usage(10, always, day(10)), usage(30, day(10), day(20)), usage(12, day(20))],
      ),
    ]);
    expect(result?.units).toBe(12);
    expect(result?.steps.map((s) => s.units)).toEqual([10, 30, 12]);
  });

  it("peak: the highest total the organization reached in the period, not the sum of each source's peak", () => {
    const results = desiredUnits(period, "peak", [
      source("site-1", [mapped("A", always)], [usage(10, always, day(10)), usage(20, day(10))]),
      source("site-2", [mapped("A", always)], [usage(8, always, day(10)), usage(1, day(10))]),
    ]);
    expect(byOrg(results)).toEqual({ A: 21 });
  });

  it("rule 12: a move on the 15th gives each organization its half, with the split in the steps", () => {
    const results = desiredUnits(period, "latest", [
      source("site-1", [mapped("A", always, day(15)), mapped("B", day(15))], [usage(10, always)]),
    ]);
    const a = results.find((r) => r.organizationId === "A")!;
    const b = results.find((r) => r.organizationId === "B")!;
    expect(a.units).toBe(0);
    expect(a.steps).toEqual([{ from: day(1), to: day(15), units: 10, unknownSources: 0 }]);
    expect(b.units).toBe(10);
    expect(b.steps).toEqual([{ from: day(15), to: period.end, units: 10, unknownSources: 0 }]);
    const peak = desiredUnits(period, "peak", [
      source("site-1", [mapped("A", always, day(15)), mapped("B", day(15))], [usage(10, always)]),
    ]);
    expect(byOrg(peak)).toEqual({ A: 10, B: 10 });
  });

  it("rule 13: a failed reading keeps the last known units, flagged stale, never a decrease", () => {
    const results = desiredUnits(period, "latest", [
      source("site-1", [mapped("A", always)], [usage(10, always, day(28)), usage(null, day(28))]),
      source("site-2", [mapped("A", always)], [usage(4, always)]),
    ]);
    expect(results[0]).toMatchObject({ units: 14, isStale: true });
    expect(results[0]?.sources).toEqual([
      { moduleOrganizationId: "site-1", units: 10, unknownReason: "failed" },
      { moduleOrganizationId: "site-2", units: 4, unknownReason: null },
    ]);
  });

  it("rule 13: a source never known is unknown, not 0", () => {
    const [result] = desiredUnits(period, "latest", [
      source("site-1", [mapped("A", always)], [usage(null, always)]),
    ]);
    expect(result).toMatchObject({ units: null, isStale: true });
  });

  it("peak is stale when any reading in the period was unknown (the peak may be missed)", () => {
    const [result] = desiredUnits(period, "peak", [
      source(
        "site-1",
        [mapped("A", always)],
        [usage(10, always, day(5)), usage(null, day(5), day(6)), usage(8, day(6))],
      ),
    ]);
    expect(result).toMatchObject({ units: 10, isStale: true });
  });

  it("lists unmapped usage under no organization, with its quantity", () => {
    const results = desiredUnits(period, "latest", [source("site-9", [], [usage(6, always)])]);
    expect(results).toMatchObject([{ organizationId: null, units: 6, isStale: false }]);
  });

  it("adds up thousands of unmapped module organizations that share their edges", () => {
    const many = Array.from({ length: 3_000 }, (_, index) =>
      source(`site-${index}`, [], [usage(1, always, day(10)), usage(2, day(10))]),
    );
    const [latest] = desiredUnits(period, "latest", many);
    expect(latest).toMatchObject({ organizationId: null, units: 6_000 });
    expect(latest?.steps.map((step) => step.units)).toEqual([3_000, 6_000]);
    expect(latest?.sources).toHaveLength(3_000);
  });

  it("for the current period, latest stops at asOf", () => {
    const results = desiredUnits(
      period,
      "latest",
      [source("site-1", [mapped("A", always)], [usage(10, always, day(20)), usage(99, day(20))])],
      day(12),
    );
    expect(byOrg(results)).toEqual({ A: 10 });
  });
});
