import { sql } from "kysely";
import type { Db } from "./database.ts";

/** One point of a module's unmapped trend: the last completed run of a day (in the instance's zone). */
export interface UnmappedPoint {
  moduleKey: string;
  /** "YYYY-MM-DD" in the instance's time zone. */
  day: string;
  unmapped: number;
  finishedAt: Date;
}

/**
 * The dashboard's reads over sync runs. The unmapped count a module run ends with is kept in its
 * `counts.unmappedAtEnd` (written by the sync engine from issue 9 on); runs from before carry none
 * and are left out rather than read as 0.
 */
export class DashboardRepository {
  constructor(private readonly db: Db) {}

  /**
   * Per module and day since `since`, the unmapped count of the day's last succeeded run. Served by
   * `sync_runs_module_idx` (module_key, started_at desc); a module runs a few times a day at most.
   */
  async unmappedTrend(since: Date, timeZone: string): Promise<UnmappedPoint[]> {
    const rows = await sql<{ module_key: string; day: string; unmapped: number; finished_at: Date | string }>`
      select distinct on (module_key, day) module_key, day, unmapped, finished_at
      from (
        select module_key,
               ((finished_at at time zone ${timeZone})::date)::text as day,
               (counts ->> 'unmappedAtEnd')::bigint::int as unmapped,
               finished_at
        from sync_runs
        where module_key is not null
          and outcome = 'succeeded'
          and started_at >= ${since}
          and finished_at is not null
          and jsonb_typeof(counts -> 'unmappedAtEnd') = 'number'
      ) runs
      order by module_key, day, finished_at desc
    `.execute(this.db);
    return rows.rows.map((r) => ({
      moduleKey: r.module_key,
      day: r.day,
      unmapped: Number(r.unmapped),
      finishedAt: new Date(r.finished_at),
    }));
  }
}
