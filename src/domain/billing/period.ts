import { invalidValue } from "../errors.ts";
import { isValidTimeZone } from "../time-zone.ts";
import { instantOfWallTime, wallTimeAt } from "./zoned-time.ts";

/**
 * A monthly billing period in the instance's time zone (product section 6): from local midnight
 * of the 1st to local midnight of the next 1st. `end` is exclusive, so periods tile time with no
 * gap and no overlap, whatever the clocks do in between.
 */
export interface BillingPeriod {
  /** "YYYY-MM". */
  key: string;
  year: number;
  /** 1 to 12. */
  month: number;
  timeZone: string;
  start: Date;
  /** Exclusive: the next period's start. */
  end: Date;
}

const PERIOD_KEY = /^(\d{4})-(\d{2})$/;

function requireTimeZone(timeZone: string): void {
  if (!isValidTimeZone(timeZone)) {
    throw invalidValue(
      "timeZone",
      `"${timeZone}" is not a time zone this server knows (e.g. "Europe/Berlin")`,
    );
  }
}

function keyOf(year: number, month: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}

/** The period of the given month (month 1 to 12) in `timeZone`. */
export function billingPeriod(year: number, month: number, timeZone: string): BillingPeriod {
  requireTimeZone(timeZone);
  const nextYear = month === 12 ? year + 1 : year;
  const nextMonth = month === 12 ? 1 : month + 1;
  const midnight = (y: number, m: number) =>
    new Date(instantOfWallTime({ year: y, month: m, day: 1, hour: 0, minute: 0, second: 0 }, timeZone));
  return {
    key: keyOf(year, month),
    year,
    month,
    timeZone,
    start: midnight(year, month),
    end: midnight(nextYear, nextMonth),
  };
}

/** The period that contains `instant` in `timeZone`. */
export function periodContaining(instant: Date, timeZone: string): BillingPeriod {
  requireTimeZone(timeZone);
  const wall = wallTimeAt(instant.getTime(), timeZone);
  return billingPeriod(wall.year, wall.month, timeZone);
}

export function previousPeriod(period: BillingPeriod): BillingPeriod {
  return period.month === 1
    ? billingPeriod(period.year - 1, 12, period.timeZone)
    : billingPeriod(period.year, period.month - 1, period.timeZone);
}

export function nextPeriod(period: BillingPeriod): BillingPeriod {
  return period.month === 12
    ? billingPeriod(period.year + 1, 1, period.timeZone)
    : billingPeriod(period.year, period.month + 1, period.timeZone);
}

/**
 * Parses "YYYY-MM" (as given to `--period` or `?period=`) into the period in `timeZone`.
 * Anything else is refused with an invalid_value error naming `field`.
 */
export function parsePeriodKey(text: string, timeZone: string, field = "period"): BillingPeriod {
  const match = PERIOD_KEY.exec(text.trim());
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  if (!match || month < 1 || month > 12 || year < 1970) {
    throw invalidValue(
      field,
      `${JSON.stringify(text)} is not a billing period: write the month as YYYY-MM, e.g. "2026-11"`,
      { value: text },
    );
  }
  return billingPeriod(year, month, timeZone);
}

/** True when `instant` falls inside the period (start inclusive, end exclusive). */
export function periodIncludes(period: BillingPeriod, instant: Date): boolean {
  const ms = instant.getTime();
  return ms >= period.start.getTime() && ms < period.end.getTime();
}
