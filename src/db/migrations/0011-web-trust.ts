import type { Kysely } from "kysely";
import { runStatements } from "./run-statements.ts";

/**
 * Issue 13: the history lists steps, not events. A step is one thing a person (or a sync) did: its
 * title ("Accept all confident"; null: named from its events), how many changes it holds, the kinds
 * of entity it touched (what undo can replay, what the history filters on), the step that undid it
 * and the step it undid (Undo and Redo). Kept by `AuditRepository` as events are inserted, so the
 * history pages over this table by `last_event_id` instead of grouping every event. Existing
 * events are summed up once here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    create table audit_steps (
      step_id uuid primary key,
      at timestamptz not null,
      actor text not null,
      title text,
      event_count integer not null check (event_count >= 0),
      last_event_id bigint not null,
      entity_types text[] not null,
      summary text not null default '',
      undone_by_step uuid,
      undoes_step uuid
    );
    insert into audit_steps (step_id, at, actor, event_count, last_event_id, entity_types, summary, undone_by_step)
      select step_id, min(at), min(actor), count(*), max(id), array_agg(distinct entity_type),
        (array_agg(summary order by id))[1], (array_agg(undone_by_step) filter (where undone_by_step is not null))[1]
      from audit_events group by step_id;
    update audit_steps s set undoes_step = u.step_id
      from (select distinct step_id, undone_by_step from audit_events where undone_by_step is not null) u
      where s.step_id = u.undone_by_step;
    create index audit_steps_last_event on audit_steps (last_event_id desc);
    create index audit_steps_actor on audit_steps (actor, last_event_id desc);
  `,
  );
}
