import { describe, expect, it } from "vitest";
import { AppError } from "../errors.ts";
import { isValidTimeZone } from "../time-zone.ts";
import {
  billingPeriod,
  nextPeriod,
  parsePeriodKey,
  periodContaining,
  periodIncludes,
  previousPeriod,
} from "./period.ts";
import { instantOfWallTime, offsetAt } from "./zoned-time.ts";

const iso = (date: Date) => date.toISOString();

describe("billing periods", () => {
  it("runs from local midnight of the 1st to local midnight of the next 1st", () => {
    const period = periodContaining(new Date("2026-11-15T12:00:00Z"), "Europe/Berlin");
    expect(period.key).toBe("2026-11");
    expect(iso(period.start)).toBe("2026-10-31T23:00:00.000Z");
    expect(iso(period.end)).toBe("2026-11-30T23:00:00.000Z");
  });

  it("takes the month of the instance's zone, not of UTC, near midnight", () => {
    // 23:30 UTC on Nov 30 is already December 1st in Berlin, and still November 30 in New York.
    const instant = new Date("2026-11-30T23:30:00Z");
    expect(periodContaining(instant, "Europe/Berlin").key).toBe("2026-12");
    expect(periodContaining(instant, "America/New_York").key).toBe("2026-11");
    expect(periodContaining(instant, "UTC").key).toBe("2026-11");
  });

  it("is 743 or 745 hours long in a month with a DST change, and periods tile time", () => {
    const march = billingPeriod(2026, 3, "Europe/Berlin");
    const october = billingPeriod(2026, 10, "Europe/Berlin");
    expect((march.end.getTime() - march.start.getTime()) / 3_600_000).toBe(31 * 24 - 1);
    expect((october.end.getTime() - october.start.getTime()) / 3_600_000).toBe(31 * 24 + 1);
    expect(iso(nextPeriod(march).start)).toBe(iso(march.end));
    expect(iso(previousPeriod(october).end)).toBe(iso(october.start));
  });

  it("starts at the first instant of the 1st where the clocks jump at midnight (Paraguay, Oct 2023)", () => {
    // On 2023-10-01 Asuncion went from 23:59:59 -04:00 straight to 01:00 -03:00.
    const october = billingPeriod(2023, 10, "America/Asuncion");
    expect(iso(october.start)).toBe("2023-10-01T04:00:00.000Z");
    expect(iso(previousPeriod(october).end)).toBe("2023-10-01T04:00:00.000Z");
    expect(periodContaining(new Date("2023-10-01T03:59:59Z"), "America/Asuncion").key).toBe("2023-09");
    expect(periodContaining(new Date("2023-10-01T04:00:00Z"), "America/Asuncion").key).toBe("2023-10");
  });

  it("takes the first occurrence of a wall time that happens twice", () => {
    // Berlin, 2026-10-25: 02:30 happens at 00:30Z (summer time) and again at 01:30Z.
    const ms = instantOfWallTime(
      { year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 },
      "Europe/Berlin",
    );
    expect(iso(new Date(ms))).toBe("2026-10-25T00:30:00.000Z");
    expect(offsetAt(ms, "Europe/Berlin")).toBe(2 * 3_600_000);
  });

  it("handles zones with odd offsets and the date line", () => {
    expect(iso(billingPeriod(2026, 1, "Asia/Kathmandu").start)).toBe("2025-12-31T18:15:00.000Z");
    expect(iso(billingPeriod(2026, 1, "Pacific/Kiritimati").start)).toBe("2025-12-31T10:00:00.000Z");
    expect(iso(billingPeriod(2026, 1, "Pacific/Pago_Pago").start)).toBe("2026-01-01T11:00:00.000Z");
  });

  it("steps across years both ways", () => {
    const january = billingPeriod(2027, 1, "UTC");
    expect(previousPeriod(january).key).toBe("2026-12");
    expect(nextPeriod(previousPeriod(january)).key).toBe("2027-01");
  });

  it("includes its start and excludes its end", () => {
    const period = billingPeriod(2026, 11, "UTC");
    expect(periodIncludes(period, period.start)).toBe(true);
    expect(periodIncludes(period, new Date(period.end.getTime() - 1))).toBe(true);
    expect(periodIncludes(period, period.end)).toBe(false);
  });

  it("parses YYYY-MM and refuses anything else with a clear error naming the field", () => {
    expect(parsePeriodKey(" 2026-02 ", "UTC").key).toBe("2026-02");
    for (const bad of ["2026-13", "2026-00", "2026-1", "26-01", "2026/01", "", "November"]) {
      let caught: unknown;
      try {
        parsePeriodKey(bad, "UTC");
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe("invalid_value");
      expect((caught as AppError).field).toBe("period");
      expect((caught as AppError).message).toContain("YYYY-MM");
    }
  });

  it("refuses an unknown time zone", () => {
    expect(isValidTimeZone("Europe/Berlin")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
    expect(() => periodContaining(new Date(), "Mars/Olympus")).toThrow(/not a time zone/);
  });
});
