import type { Repositories } from "../../db/repositories.ts";
import type { ServiceMapping } from "../../db/service-mapping.repository.ts";
import type { AuditEvent, ServiceMappingState, UndoableEvent } from "../../domain/audit.ts";
import { AppError } from "../../domain/errors.ts";
import type { AuditStep } from "../audit-step.ts";

/**
 * The one write path of service mappings (issue 9 item 5): set, delete and undo all pass here, so
 * each writes the row and records its typed audit event in the caller's transaction.
 */

export const serviceMappingEntityId = (moduleKey: string, billingType: string) =>
  `${moduleKey}/${billingType}`;

export function serviceMappingState(mapping: ServiceMapping | undefined): ServiceMappingState | null {
  if (!mapping) return null;
  return {
    psaServiceId: mapping.psaServiceId,
    psaServiceName: mapping.psaServiceName,
    policy: mapping.policy,
  };
}

function sameState(a: ServiceMappingState | null, b: ServiceMappingState | null): boolean {
  if (a === null || b === null) return a === b;
  return a.psaServiceId === b.psaServiceId && a.policy === b.policy;
}

/**
 * Writes `after` (null: delete) for one (module, billing type), given the state it had. Records
 * nothing when nothing changes. Returns whether it wrote.
 */
export async function writeServiceMapping(
  repos: Repositories,
  step: AuditStep,
  key: { moduleKey: string; billingType: string },
  before: ServiceMappingState | null,
  after: ServiceMappingState | null,
  summaryPrefix = "",
): Promise<boolean> {
  if (sameState(before, after)) return false;
  const entityId = serviceMappingEntityId(key.moduleKey, key.billingType);
  let event: Extract<AuditEvent, { entityType: "service_mapping" }>;
  if (after === null) {
    await repos.serviceMappings.delete(key.moduleKey, key.billingType);
    event = {
      entityType: "service_mapping",
      action: "service_mapping.deleted",
      entityId,
      summary: `${summaryPrefix}${entityId} no longer billed to ${before?.psaServiceName}`,
      before: before as ServiceMappingState,
      after: null,
    };
  } else {
    await repos.serviceMappings.upsert({ ...key, ...after, updatedBy: step.actor.label }, step.at);
    event = {
      entityType: "service_mapping",
      action: "service_mapping.set",
      entityId,
      summary: `${summaryPrefix}${entityId} billed to ${after.psaServiceName} (${after.policy} units)`,
      before,
      after,
    };
  }
  step.record(event);
  return true;
}

/** Undo: writes the event's `before` back, only while the mapping is still as the step left it. */
export async function revertServiceMapping(
  repos: Repositories,
  step: AuditStep,
  event: Extract<UndoableEvent, { entityType: "service_mapping" }>,
): Promise<void> {
  const slash = event.entityId.indexOf("/");
  const key = { moduleKey: event.entityId.slice(0, slash), billingType: event.entityId.slice(slash + 1) };
  await repos.serviceMappings.lock(key.moduleKey, key.billingType);
  const current = serviceMappingState(await repos.serviceMappings.find(key.moduleKey, key.billingType));
  if (!sameState(current, event.after)) {
    throw new AppError("conflict", `cannot undo: ${event.summary} has been changed since`);
  }
  await writeServiceMapping(repos, step, key, current, event.before, "undone: ");
}
