import type { Repositories } from "../db/repositories.ts";
import type { AuditEventRow } from "../db/schema.ts";
import { assertNever, isAuditEntityType, type UndoableEvent } from "../domain/audit.ts";
import { AppError } from "../domain/errors.ts";
import type { AuditStep } from "./audit-step.ts";
import { revertServiceMapping } from "./billing/service-mapping.writes.ts";
import {
  lockWritableModuleOrganization,
  requireMappableTarget,
  requireReadyModule,
} from "./mapping-rules.ts";
import { applyExclusion, applyIgnore, applyMapping } from "./mapping-writes.ts";

const UNDOABLE = new Set<string>([
  "mapping",
  "ignore",
  "exclusion",
  "settings",
  "service_mapping",
  "psa_company",
] satisfies UndoableEvent["entityType"][]);

/** A stored row as the typed event it was recorded as; 422 `not_undoable` for the kinds undo cannot replay. */
export function toUndoableEvent(row: AuditEventRow): UndoableEvent {
  if (!isAuditEntityType(row.entity_type) || !UNDOABLE.has(row.entity_type)) {
    throw new AppError("not_undoable", `a ${row.entity_type} change cannot be undone here`);
  }
  // The row was written by AuditStep.record from this same union (same action strings and shapes).
  return {
    entityType: row.entity_type,
    action: row.action,
    entityId: row.entity_id,
    summary: row.summary,
    before: row.before,
    after: row.after,
  } as UndoableEvent;
}

/**
 * Writes one event's `before` state back, through the same guarded write path as every other use
 * case: only while the entity is still in the state the step left (else 409 `conflict`), and only if
 * the write breaks no rule today (a module no longer ready: 409 naming it; a target now Dead or
 * Cancelation: 422 naming it and its type). Each entity is locked before it is compared.
 */
export async function revertEvent(repos: Repositories, step: AuditStep, event: UndoableEvent): Promise<void> {
  switch (event.entityType) {
    case "mapping": {
      const moduleOrganization = await undoing(lockWritableModuleOrganization(repos, event.entityId));
      const current = await repos.mappings.findMapping(moduleOrganization.id);
      stillAsLeft(event, (current?.organization_id ?? null) === (event.after?.organizationId ?? null));
      const target = event.before
        ? await undoing(requireMappableTarget(repos, event.before.organizationId))
        : null;
      await applyMapping(repos, step, moduleOrganization, target, "undo", { current });
      return;
    }
    case "ignore": {
      const [organizationId = "", moduleKey = ""] = event.entityId.split("/");
      await repos.mappings.lockPairs(organizationId, [moduleKey]);
      stillAsLeft(
        event,
        (await repos.mappings.isIgnored(organizationId, moduleKey)) === (event.after !== null),
      );
      const organization = await undoing(requireMappableTarget(repos, organizationId));
      const module = await undoing(requireReadyModule(repos, moduleKey));
      await applyIgnore(repos, step, { organization, module }, event.before !== null);
      return;
    }
    case "exclusion": {
      const moduleOrganization = await undoing(lockWritableModuleOrganization(repos, event.entityId));
      stillAsLeft(event, (await repos.mappings.isExcluded(moduleOrganization.id)) === (event.after !== null));
      await applyExclusion(repos, step, moduleOrganization, event.before !== null);
      return;
    }
    case "settings": {
      const current = await repos.settings.get({ lock: true });
      stillAsLeft(
        event,
        current.organizationTerm === event.after.organizationTerm &&
          current.timeZone === event.after.timeZone &&
          (event.after.currency === undefined || current.currency === event.after.currency) &&
          (event.after.locale === undefined || current.locale === event.after.locale),
      );
      await repos.settings.update(event.before, step.at);
      step.record({
        action: "settings.updated",
        entityType: "settings",
        entityId: "instance",
        summary: "settings change undone",
        before: event.after,
        after: event.before,
      });
      return;
    }
    case "service_mapping": {
      await revertServiceMapping(repos, step, event);
      return;
    }
    case "psa_company":
      // Nothing to write back: Autotask cannot delete a company through its API, so the
      // organization stays (the PSA sync keeps it); the step's mapping event is reverted (unmapped).
      return;
    default:
      assertNever(event, "audit event");
  }
}

function stillAsLeft(event: UndoableEvent, isUnchanged: boolean): void {
  if (!isUnchanged) throw new AppError("conflict", `cannot undo: ${event.summary} has been changed since`);
}

/** A rule refusing the replay, said as a refused undo (same code and details, no request field). */
async function undoing<T>(guard: Promise<T>): Promise<T> {
  try {
    return await guard;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw new AppError(
      error.code,
      `cannot undo: ${error.message}`,
      error.details ? { details: error.details } : {},
    );
  }
}
