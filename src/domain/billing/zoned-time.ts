/**
 * Wall-clock time in an IANA time zone, with nothing but Intl: the offset of a zone at an instant,
 * and the instant at which a wall-clock time happens there. Billing periods start at local
 * midnight, and a few zones move their clocks at midnight (Paraguay, Chile, Cuba, Lebanon...),
 * so the conversion must cope with wall times that happen twice or never.
 */

// A memo, not state: a formatter per zone is immutable and costly to build (the gap search below
// formats a few dozen instants).
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export interface WallTime {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock time in `timeZone` at the instant `ms` (milliseconds since the epoch). */
export function wallTimeAt(ms: number, timeZone: string): WallTime {
  const parts = formatterFor(timeZone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
  };
}

function wallAsUtc(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/** The zone's offset from UTC at the instant `ms`, in milliseconds (whole seconds). */
export function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallAsUtc(wallTimeAt(whole, timeZone)) - whole;
}

/**
 * The first instant at which the wall clock in `timeZone` shows `wall` or later. A wall time that
 * happens twice (clocks set back) gives its first occurrence; one that never happens (clocks set
 * forward across it) gives the instant the clocks jumped, which is the first instant of that day.
 */
export function instantOfWallTime(wall: WallTime, timeZone: string): number {
  const target = wallAsUtc(wall);
  // Offsets in force within a day either side cover any transition near the target (zones change
  // at most once a day); each gives one candidate instant.
  const candidates = new Set<number>();
  for (const probe of [target - 86_400_000, target, target + 86_400_000]) {
    candidates.add(target - offsetAt(probe, timeZone));
  }
  const exact = [...candidates].filter((c) => wallAsUtc(wallTimeAt(c, timeZone)) === target);
  if (exact.length > 0) return Math.min(...exact);
  // A gap: search the first instant whose wall time is at or after the target.
  let low = Math.min(...candidates) - 86_400_000;
  let high = Math.max(...candidates) + 86_400_000;
  while (high - low > 1000) {
    const middle = Math.floor((low + high) / 2000) * 1000;
    if (wallAsUtc(wallTimeAt(middle, timeZone)) >= target) high = middle;
    else low = middle;
  }
  return high;
}
