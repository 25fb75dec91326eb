import type { AppContext } from "../context.ts";
import { repositories } from "../db/repositories.ts";
import type { AuditEventRow } from "../db/schema.ts";
import type { Actor } from "../domain/actor.ts";
import { ACCOUNT_ENTITY_TYPES } from "../domain/audit.ts";
import { decodeCursor } from "../domain/cursor.ts";
import { AppError, notFound } from "../domain/errors.ts";
import { hasRole } from "../domain/role.ts";
import { revertEvent, toUndoableEvent } from "./audit-undo.ts";
import { inUnitOfWork } from "./unit-of-work.ts";

export function toAuditView(row: AuditEventRow) {
  return {
    id: String(row.id),
    stepId: row.step_id,
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    summary: row.summary,
    before: row.before,
    after: row.after,
    undoneByStep: row.undone_by_step,
  };
}

/** The change history (rule 9) and undo of one step while the state is still what it left. */
export class AuditService {
  constructor(private readonly ctx: AppContext) {}

  /** The history as the reader may see it: events about users and tokens only for admins. */
  async list(
    reader: Pick<Actor, "role">,
    filter: { entityType?: string | undefined; entityId?: string | undefined; stepId?: string | undefined },
    page: { limit: number; cursor?: string | undefined },
  ) {
    const { rows, nextCursor } = await repositories(this.ctx.db).audit.list(
      { ...filter, hiddenEntityTypes: hasRole(reader.role, "admin") ? undefined : ACCOUNT_ENTITY_TYPES },
      page.limit,
      decodeCursor(page.cursor, { id: "integer" }),
    );
    return { items: rows.map(toAuditView), nextCursor };
  }

  /**
   * Undoes a step: every change in it is reverted in one unit of work, newest first, each only if
   * the entity is still in the state the step left (else 409) and its replay breaks no rule today.
   * The step's events are locked first, so of two concurrent undos of one step the second waits and
   * then finds the step undone (409).
   */
  async undo(actor: Actor, stepId: string) {
    return inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const rows = await repos.audit.stepEvents(stepId, { lock: true });
      if (rows.length === 0) throw notFound("step", stepId, "stepId");
      if (rows.some((e) => e.undone_by_step)) throw new AppError("conflict", "this step was undone already");
      const events = rows.map(toUndoableEvent);
      for (const event of events.reverse()) await revertEvent(repos, step, event);
      await repos.audit.markUndone(stepId, step.id);
      return { undoneStepId: stepId, stepId: step.id, changes: rows.length };
    });
  }
}
