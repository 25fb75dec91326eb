import type { Kysely } from "kysely";
import { runStatements } from "./run-statements.ts";

/**
 * One running sync per module (and one for the PSA), even across orgmap processes: a partial
 * unique index makes the claim of a run atomic. Runs left "running" by an older version cannot
 * hold a lease and are closed as failed first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    update sync_runs set outcome = 'failed', finished_at = now(),
      error = coalesce(error, 'stale lease: process stopped')
      where outcome = 'running' and (lease_expires_at is null or lease_expires_at < now());
    update sync_runs r set outcome = 'failed', finished_at = now(), error = 'stale lease: process stopped'
      where r.outcome = 'running' and exists (
        select 1 from sync_runs o
        where o.outcome = 'running' and coalesce(o.module_key, '__psa__') = coalesce(r.module_key, '__psa__')
          and (o.started_at, o.id) > (r.started_at, r.id)
      );
    create unique index sync_runs_one_running_idx on sync_runs ((coalesce(module_key, '__psa__')))
      where outcome = 'running';
    create index sync_runs_started_idx on sync_runs (started_at desc, id desc);
  `,
  );
}
