import { sql } from "kysely";
import type { Cursor } from "../domain/cursor.ts";
import { encodeCursor } from "../domain/cursor.ts";
import { isUuid } from "../domain/ids.ts";
import type { Db } from "./database.ts";
import type { AuditEventRow, AuditStepRow } from "./schema.ts";

export interface NewAuditEvent {
  stepId: string;
  at: Date;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  summary: string;
  before: unknown;
  after: unknown;
}

/** The record of every change (product rule 9). Append-only but for the undo marker. */
export class AuditRepository {
  constructor(private readonly db: Db) {}

  /**
   * Appends events and keeps their steps' rows in `audit_steps` (count, last event, kinds touched;
   * `title` names a step). A step spanning several transactions (a sync run) adds to its row.
   */
  async insert(
    events: readonly NewAuditEvent[],
    options: { title?: string | null; undoes?: string | null } = {},
  ): Promise<void> {
    if (events.length === 0) return;
    const steps = new Map<
      string,
      { first: NewAuditEvent; count: number; lastId: number; types: Set<string> }
    >();
    for (let i = 0; i < events.length; i += 1000) {
      const chunk = events.slice(i, i + 1000);
      const ids = await this.db
        .insertInto("audit_events")
        .values(
          events.slice(i, i + 1000).map((e) => ({
            step_id: e.stepId,
            at: e.at,
            actor: e.actor,
            action: e.action,
            entity_type: e.entityType,
            entity_id: e.entityId,
            summary: e.summary,
            before: e.before === null || e.before === undefined ? null : JSON.stringify(e.before),
            after: e.after === null || e.after === undefined ? null : JSON.stringify(e.after),
          })),
        )
        .returning("id")
        .execute();
      chunk.forEach((event, index) => {
        const id = Number(ids[index]?.id ?? 0);
        const step = steps.get(event.stepId);
        if (!step)
          steps.set(event.stepId, { first: event, count: 1, lastId: id, types: new Set([event.entityType]) });
        else {
          step.count += 1;
          step.lastId = Math.max(step.lastId, id);
          step.types.add(event.entityType);
        }
      });
    }
    for (const [stepId, step] of steps) await this.upsertStep(stepId, step, options);
  }

  private async upsertStep(
    stepId: string,
    step: { first: NewAuditEvent; count: number; lastId: number; types: Set<string> },
    names: { title?: string | null; undoes?: string | null },
  ): Promise<void> {
    const types = sql<string[]>`array[${sql.join([...step.types])}]::text[]`;
    await this.db
      .insertInto("audit_steps")
      .values({
        step_id: stepId,
        at: step.first.at,
        actor: step.first.actor,
        title: names.title ?? null,
        undoes_step: names.undoes ?? null,
        event_count: step.count,
        last_event_id: step.lastId,
        entity_types: types,
        summary: step.first.summary,
      })
      .onConflict((oc) =>
        oc.column("step_id").doUpdateSet({
          event_count: sql`audit_steps.event_count + excluded.event_count`,
          last_event_id: sql`greatest(audit_steps.last_event_id, excluded.last_event_id)`,
          entity_types: sql`array(select distinct unnest(audit_steps.entity_types || excluded.entity_types) order by 1)`,
          title: sql`coalesce(excluded.title, audit_steps.title)`,
        }),
      )
      .execute();
  }

  async list(
    filter: {
      entityType?: string | undefined;
      entityId?: string | undefined;
      stepId?: string | undefined;
      /** Entity types left out whatever the other filters say. */
      hiddenEntityTypes?: readonly string[] | undefined;
    },
    limit: number,
    cursor: Cursor | undefined,
  ): Promise<{ rows: AuditEventRow[]; nextCursor: string | null }> {
    let query = this.db.selectFrom("audit_events").selectAll();
    if (filter.hiddenEntityTypes?.length)
      query = query.where("entity_type", "not in", filter.hiddenEntityTypes);
    if (filter.entityType) query = query.where("entity_type", "=", filter.entityType);
    if (filter.entityId) query = query.where("entity_id", "=", filter.entityId);
    if (filter.stepId)
      query = query.where(
        "step_id",
        "=",
        isUuid(filter.stepId) ? filter.stepId : "00000000-0000-0000-0000-000000000000",
      );
    if (cursor && "k" in cursor) query = query.where("id", "<", Number(cursor.id));
    const rows = await query
      .orderBy("id", "desc")
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      rows: page,
      nextCursor: rows.length > limit && last ? encodeCursor({ k: "", id: String(last.id) }) : null,
    };
  }

  /**
   * A step's events. With `lock`, they stay locked until the transaction ends: two undos of one
   * step wait for each other, and the second sees the first's `undone_by_step` (rows locked FOR
   * UPDATE are read again once released).
   */
  async stepEvents(stepId: string, options: { lock?: boolean } = {}): Promise<AuditEventRow[]> {
    if (!isUuid(stepId)) return [];
    const query = this.db.selectFrom("audit_events").selectAll().where("step_id", "=", stepId).orderBy("id");
    return (options.lock ? query.forUpdate() : query).execute();
  }

  /** Marks a step undone by `undoStepId` (whose own row, flushed later, says which step it undoes). */
  async markUndone(stepId: string, undoStepId: string): Promise<void> {
    await this.db
      .updateTable("audit_events")
      .set({ undone_by_step: undoStepId })
      .where("step_id", "=", stepId)
      .execute();
    await this.db
      .updateTable("audit_steps")
      .set({ undone_by_step: undoStepId })
      .where("step_id", "=", stepId)
      .execute();
  }

  async findStep(stepId: string): Promise<AuditStepRow | undefined> {
    if (!isUuid(stepId)) return undefined;
    return this.db.selectFrom("audit_steps").selectAll().where("step_id", "=", stepId).executeTakeFirst();
  }

  async stepsByIds(stepIds: readonly string[]): Promise<AuditStepRow[]> {
    const ids = stepIds.filter(isUuid);
    if (ids.length === 0) return [];
    return this.db.selectFrom("audit_steps").selectAll().where("step_id", "in", ids).execute();
  }

  /**
   * Steps newest first (by their last event; `asc`: oldest first), filtered by who and by a kind of
   * entity touched. A step's last event is its own, so the order never ties; the cursor remembers
   * its order and a cursor of the other order starts over.
   */
  async listSteps(
    filter: {
      actor?: string | undefined;
      entityType?: string | undefined;
      /** Steps touching only these entity types are left out. */
      hiddenEntityTypes?: readonly string[] | undefined;
      since?: Date | undefined;
      until?: Date | undefined;
    },
    limit: number,
    cursor: Cursor | undefined,
    order: "asc" | "desc" = "desc",
  ): Promise<{ rows: AuditStepRow[]; nextCursor: string | null }> {
    let query = this.db.selectFrom("audit_steps").selectAll();
    if (filter.hiddenEntityTypes?.length)
      query = query.where(
        sql<boolean>`not (entity_types <@ array[${sql.join([...filter.hiddenEntityTypes])}]::text[])`,
      );
    if (filter.actor) query = query.where("actor", "=", filter.actor);
    if (filter.entityType) query = query.where(sql<boolean>`${filter.entityType} = any(entity_types)`);
    if (filter.since) query = query.where("at", ">=", filter.since);
    if (filter.until) query = query.where("at", "<", filter.until);
    if (cursor && "k" in cursor && (cursor.k || "desc") === order)
      query = query.where("last_event_id", order === "desc" ? "<" : ">", cursor.id);
    const rows = await query
      .orderBy("last_event_id", order)
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      rows: page,
      nextCursor:
        rows.length > limit && last ? encodeCursor({ k: order, id: String(last.last_event_id) }) : null,
    };
  }

  /** Who appears in the history (for its filter), most recent first. */
  async stepActors(): Promise<string[]> {
    const rows = await this.db
      .selectFrom("audit_steps")
      .select("actor")
      .groupBy("actor")
      .orderBy(sql`max(last_event_id)`, "desc")
      .limit(200)
      .execute();
    return rows.map((row) => row.actor);
  }
}
