import { Cron } from "croner";
import { useId } from "react";
import { formatDateTime } from "../common/format.ts";

/** Common schedules in words; "Custom" keeps any five-field cron expression. */
export const SCHEDULE_PRESETS = [
  { label: "Every hour", cron: "0 * * * *" },
  { label: "Every 6 hours", cron: "0 */6 * * *" },
  { label: "Every day at 02:00", cron: "0 2 * * *" },
  { label: "Weekdays at 06:00", cron: "0 6 * * 1-5" },
  { label: "Every Sunday at 03:00", cron: "0 3 * * 0" },
] as const;

/** The next `count` run times of a cron expression in the instance time zone, or why it is not valid. */
export function nextRuns(
  cron: string,
  timeZone: string | undefined,
  count = 3,
): { runs: Date[]; error: string | null } {
  if (!cron.trim()) return { runs: [], error: null };
  if (cron.trim().split(/\s+/).length !== 5)
    return { runs: [], error: "five fields: minute hour day-of-month month day-of-week" };
  try {
    const job = new Cron(cron.trim(), { timezone: timeZone || undefined, paused: true });
    return { runs: job.nextRuns(count), error: null };
  } catch (error) {
    return {
      runs: [],
      error: error instanceof Error ? error.message.replace(/^CronPattern: /, "") : "not valid",
    };
  }
}

/** A schedule chosen from presets (or typed as cron), with its next three run times. */
export function ScheduleField(props: {
  id: string;
  value: string;
  timeZone: string | undefined;
  disabled: boolean;
  onChange(value: string): void;
}) {
  const presetId = useId();
  const helpId = useId();
  const preset = SCHEDULE_PRESETS.find((p) => p.cron === props.value.trim());
  const { runs, error } = nextRuns(props.value, props.timeZone);
  return (
    <div className="field">
      <label htmlFor={presetId}>
        <span>Sync schedule</span>
      </label>
      <select
        id={presetId}
        className="input"
        value={preset ? preset.cron : "custom"}
        disabled={props.disabled}
        onChange={(event) => {
          if (event.target.value !== "custom") props.onChange(event.target.value);
        }}
      >
        {SCHEDULE_PRESETS.map((p) => (
          <option key={p.cron} value={p.cron}>
            {p.label}
          </option>
        ))}
        <option value="custom">Custom (cron expression)</option>
      </select>
      <label htmlFor={props.id} className="field-help">
        Cron expression (minute hour day month weekday), in the instance time zone
        {props.timeZone ? ` (${props.timeZone})` : ""}
      </label>
      <input
        id={props.id}
        className="input mono"
        placeholder="0 2 * * *"
        value={props.value}
        disabled={props.disabled}
        aria-describedby={helpId}
        aria-invalid={error ? true : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
      <span id={helpId} className="field-help" aria-live="polite">
        {error
          ? `Not a valid schedule: ${error}`
          : runs.length > 0
            ? `Next runs: ${runs.map((run) => formatDateTime(run.toISOString(), props.timeZone)).join(" · ")}`
            : "Blank keeps the stored schedule."}
      </span>
    </div>
  );
}
