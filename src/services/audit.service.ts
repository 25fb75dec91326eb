import type { AppContext } from "../context.ts";
import { type Repositories, repositories } from "../db/repositories.ts";
import type { AuditEventRow } from "../db/schema.ts";
import type { Actor } from "../domain/actor.ts";
import { decodeCursor } from "../domain/cursor.ts";
import { AppError, notFound } from "../domain/errors.ts";
import { AuditStep } from "./audit-step.ts";
import {
  applyExclusion,
  applyIgnore,
  applyMapping,
  lockModuleOrganization,
  requireMappableTarget,
} from "./mapping-rules.ts";

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

const UNDOABLE = new Set(["mapping", "ignore", "exclusion", "settings"]);

/** The change history (rule 9) and undo of one step while the state is still what it left. */
export class AuditService {
  constructor(private readonly ctx: AppContext) {}

  async list(
    filter: { entityType?: string | undefined; entityId?: string | undefined; stepId?: string | undefined },
    page: { limit: number; cursor?: string | undefined },
  ) {
    const { rows, nextCursor } = await repositories(this.ctx.db).audit.list(
      filter,
      page.limit,
      decodeCursor(page.cursor),
    );
    return { items: rows.map(toAuditView), nextCursor };
  }

  /**
   * Undoes a step: every change in it is reverted in one transaction, but only if each entity is
   * still in the state the step left (else 409: someone changed it since).
   */
  async undo(actor: Actor, stepId: string) {
    return this.ctx.db.transaction().execute(async (tx) => {
      const repos = repositories(tx);
      const events = await repos.audit.stepEvents(stepId);
      if (events.length === 0) throw notFound("step", stepId, "stepId");
      if (events.some((e) => e.undone_by_step))
        throw new AppError("conflict", "this step was undone already");
      const notUndoable = events.find((e) => !UNDOABLE.has(e.entity_type));
      if (notUndoable)
        throw new AppError("not_undoable", `a ${notUndoable.entity_type} change cannot be undone here`);
      const step = new AuditStep(actor, this.ctx.clock.now());
      for (const event of [...events].reverse()) {
        const current = await currentState(repos, event);
        if (JSON.stringify(current) !== JSON.stringify(comparable(event.entity_type, event.after))) {
          throw new AppError("conflict", `cannot undo: ${event.summary} has been changed since`, {
            details: { eventId: String(event.id) },
          });
        }
        await restore(repos, step, event);
      }
      await repos.audit.markUndone(stepId, step.id);
      await step.flush(repos.audit);
      return { undoneStepId: stepId, stepId: step.id, changes: events.length };
    });
  }
}

/** The part of a recorded state that decides equality (names are for display only). */
function comparable(entityType: string, state: unknown): unknown {
  if (state === null || state === undefined) return null;
  const s = state as Record<string, unknown>;
  if (entityType === "mapping") return { organizationId: s.organizationId };
  if (entityType === "settings") return { organizationTerm: s.organizationTerm, timeZone: s.timeZone };
  return { ...s };
}

async function currentState(repos: Repositories, event: AuditEventRow): Promise<unknown> {
  switch (event.entity_type) {
    case "mapping": {
      const mapping = await repos.mappings.findMapping(event.entity_id);
      return mapping ? { organizationId: mapping.organization_id } : null;
    }
    case "ignore": {
      const [organizationId, moduleKey] = event.entity_id.split("/") as [string, string];
      return (await repos.mappings.isIgnored(organizationId, moduleKey)) ? { ignored: true } : null;
    }
    case "exclusion":
      return (await repos.mappings.isExcluded(event.entity_id)) ? { excluded: true } : null;
    default: {
      const s = await repos.settings.get();
      return { organizationTerm: s.organizationTerm, timeZone: s.timeZone };
    }
  }
}

async function restore(repos: Repositories, step: AuditStep, event: AuditEventRow): Promise<void> {
  const before = event.before as Record<string, unknown> | null;
  switch (event.entity_type) {
    case "mapping": {
      const moduleOrganization = await lockModuleOrganization(repos, event.entity_id);
      const target = before ? await requireMappableTarget(repos, String(before.organizationId)) : null;
      await applyMapping(repos, step, moduleOrganization, target, "undo");
      return;
    }
    case "ignore": {
      const [organizationId, moduleKey] = event.entity_id.split("/") as [string, string];
      const organization = await repos.organizations.findById(organizationId);
      if (organization) await applyIgnore(repos, step, organization, moduleKey, before !== null);
      return;
    }
    case "exclusion": {
      const moduleOrganization = await lockModuleOrganization(repos, event.entity_id);
      await applyExclusion(repos, step, moduleOrganization, before !== null);
      return;
    }
    default: {
      const restored = before as { organizationTerm: never; timeZone: string };
      await repos.settings.update(restored, step.at);
      step.record({
        action: "settings.updated",
        entityType: "settings",
        entityId: "instance",
        summary: "settings change undone",
        before: event.after,
        after: before,
      });
    }
  }
}
