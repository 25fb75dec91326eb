import type { AppContext } from "../context.ts";
import { type Repositories, repositories } from "../db/repositories.ts";
import type { AuditEventRow, AuditStepRow } from "../db/schema.ts";
import type { Actor } from "../domain/actor.ts";
import { ACCOUNT_ENTITY_TYPES } from "../domain/audit.ts";
import { decodeCursor } from "../domain/cursor.ts";
import { AppError, notFound } from "../domain/errors.ts";
import { countLabel, whyNotUndoable } from "../domain/history-words.ts";
import type { HistorySort } from "../domain/list-sorts.ts";
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

/**
 * A step as the history shows it: its title and count ("585 mappings — Accept all confident"), and
 * whether Undo or Redo is offered. Undo is offered when every change in the step is of a kind undo
 * replays and the step is not undone; Redo on an undone step whose undo is not itself undone (it
 * undoes that undo). Either can still be refused (409) if the state moved on since.
 */
export function toStepView(row: AuditStepRow, undoStepUndone: boolean) {
  const notUndoable = whyNotUndoable(row.entity_types);
  const undoBlocker = row.undone_by_step ? "this step was undone" : notUndoable;
  return {
    stepId: row.step_id,
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    title: row.title,
    count: row.event_count,
    countLabel: countLabel(row.event_count, row.entity_types),
    entityTypes: row.entity_types,
    summary: row.summary,
    undoneByStep: row.undone_by_step,
    undoesStep: row.undoes_step,
    canUndo: undoBlocker === null,
    whyNoUndo: undoBlocker,
    canRedo: row.undone_by_step !== null && !undoStepUndone && notUndoable === null,
  };
}

/** "585 mappings — Accept all confident", or the only change's own words for a one-change step. */
export function stepHeadline(row: Pick<AuditStepRow, "title" | "event_count" | "entity_types" | "summary">) {
  const count = countLabel(row.event_count, row.entity_types);
  if (row.title) return `${count} — ${row.title}`;
  return row.event_count === 1 && row.summary ? row.summary : count;
}

/** "Undo: Accept all confident"; undoing an undo is a redo ("Redo: Accept all confident"), and so on. */
async function undoTitle(repos: Repositories, stepId: string): Promise<string> {
  const undone = await repos.audit.findStep(stepId);
  const title = undone?.title ?? (undone?.event_count === 1 && undone.summary ? undone.summary : "a step");
  const isUndo = undone?.undoes_step != null && !title.startsWith("Redo: ");
  return `${isUndo ? "Redo" : "Undo"}: ${title.replace(/^(Undo|Redo): /, "")}`;
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

  /** The history by step, newest first, with what the web needs to offer Undo and Redo. */
  async listSteps(
    reader: Pick<Actor, "role">,
    filter: {
      actor?: string | undefined;
      entityType?: string | undefined;
      since?: Date | undefined;
      until?: Date | undefined;
    },
    page: { limit: number; cursor?: string | undefined; sort?: HistorySort },
  ) {
    const repos = repositories(this.ctx.db);
    const { rows, nextCursor } = await repos.audit.listSteps(
      { ...filter, hiddenEntityTypes: hasRole(reader.role, "admin") ? undefined : ACCOUNT_ENTITY_TYPES },
      page.limit,
      decodeCursor(page.cursor, { id: "integer" }),
      page.sort === "at" ? "asc" : "desc",
    );
    const undoSteps = await repos.audit.stepsByIds(
      rows.flatMap((r) => (r.undone_by_step ? [r.undone_by_step] : [])),
    );
    const undoneUndo = new Set(undoSteps.filter((u) => u.undone_by_step).map((u) => u.step_id));
    return {
      items: rows.map((row) =>
        toStepView(row, row.undone_by_step !== null && undoneUndo.has(row.undone_by_step)),
      ),
      nextCursor,
      actors: page.cursor ? [] : await repos.audit.stepActors(),
    };
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
      step.title = await undoTitle(repos, stepId);
      step.undoes = stepId;
      for (const event of events.reverse()) await revertEvent(repos, step, event);
      await repos.audit.markUndone(stepId, step.id);
      return { undoneStepId: stepId, stepId: step.id, changes: rows.length };
    });
  }
}
