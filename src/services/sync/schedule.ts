import { Cron } from "croner";
import { invalidValue } from "../../domain/errors.ts";

/** Nightly at 02:00 in the instance's time zone (product rule 8). */
export const DEFAULT_SCHEDULE = "0 2 * * *";

/**
 * Checks a five-field cron expression (minute hour day-of-month month day-of-week) with croner;
 * 422 naming `schedule` otherwise. Returns it trimmed.
 *
 * @example validateSchedule("30 1 * * 1-5") // weekdays at 01:30
 */
export function validateSchedule(expression: string, field = "schedule"): string {
  const trimmed = expression.trim().replace(/\s+/g, " ");
  if (trimmed.split(" ").length !== 5) {
    throw invalidValue(field, `${field}: a cron expression has five fields (minute hour day month weekday)`);
  }
  try {
    const cron = new Cron(trimmed, { paused: true });
    if (cron.nextRun() === null) throw new Error("it never runs");
  } catch (error) {
    throw invalidValue(field, `${field}: not a valid cron expression: ${(error as Error).message}`);
  }
  return trimmed;
}

/**
 * The schedule's latest occurrence in (since, now], in the time zone; null when none fell in it.
 * The scheduler starts a sync when one did.
 */
export function dueOccurrence(expression: string, timeZone: string, since: Date, now: Date): Date | null {
  let cron: Cron;
  try {
    cron = new Cron(expression, { paused: true, timezone: timeZone });
  } catch {
    return null;
  }
  let due: Date | null = null;
  let next = cron.nextRun(since);
  for (let i = 0; i < 10_000 && next && next.getTime() <= now.getTime(); i++) {
    due = next;
    next = cron.nextRun(next);
  }
  return due;
}
