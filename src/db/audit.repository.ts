import type { Cursor } from "../domain/cursor.ts";
import { encodeCursor } from "../domain/cursor.ts";
import { isUuid } from "../domain/ids.ts";
import type { Db } from "./database.ts";
import type { AuditEventRow } from "./schema.ts";

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

  async insert(events: readonly NewAuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (let i = 0; i < events.length; i += 1000) {
      await this.db
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
        .execute();
    }
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

  async markUndone(stepId: string, undoStepId: string): Promise<void> {
    await this.db
      .updateTable("audit_events")
      .set({ undone_by_step: undoStepId })
      .where("step_id", "=", stepId)
      .execute();
  }
}
