import type { Kysely } from "kysely";
import { runStatements } from "./run-statements.ts";

/**
 * Issue 10, posting II: a posting run has a heartbeat. `alive_until` is pushed forward (two lease
 * lengths from the database's now) every third of a lease while the run works; a `running` row
 * past it belongs to a process that ended, and is closed as failed ("stopped: its process ended")
 * by the next posting run of its module and by `orgmap serve`'s scheduler tick
 * (`PostingRepository.expireStaleRuns`). Runs left `running` by a version without the heartbeat
 * get ten minutes from the upgrade.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table posting_runs add column alive_until timestamptz;
    update posting_runs set alive_until = now() + interval '10 minutes' where outcome = 'running';
    create index posting_runs_running_idx on posting_runs (module_key) where outcome = 'running';
    `,
  );
}
