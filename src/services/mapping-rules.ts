import type { Repositories } from "../db/repositories.ts";
import type { MappingSource, ModuleOrganizationRow, ModuleRow, OrganizationRow } from "../db/schema.ts";
import { AppError, notFound } from "../domain/errors.ts";
import { moduleState } from "../domain/module.ts";
import { isMappableType } from "../domain/organization.ts";
import type { AuditStep } from "./audit-step.ts";

/**
 * The write rules shared by every way of mapping (grid cell, list, organization page, bulk,
 * suggestions, import, undo). Each runs inside the caller's transaction and records to its step.
 */

/** The target must exist (404) and be mappable (422 naming it and its type: product rule 2). */
export async function requireMappableTarget(
  repos: Repositories,
  organizationId: string,
  field = "organizationId",
): Promise<OrganizationRow> {
  const organization = await repos.organizations.findById(organizationId);
  if (!organization) throw notFound("organization", organizationId, field);
  if (!isMappableType(organization.type)) {
    throw new AppError(
      "unmappable_target",
      `${organization.name} is a ${organization.type} organization and cannot be a mapping target`,
      {
        field,
        details: { organizationId, organizationName: organization.name, organizationType: organization.type },
      },
    );
  }
  return organization;
}

export async function requireOrganization(repos: Repositories, id: string, field = "organizationId") {
  const organization = await repos.organizations.findById(id);
  if (!organization) throw notFound("organization", id, field);
  return organization;
}

/** Only `ready` modules take mappings (product rule 1). */
export async function requireReadyModule(
  repos: Repositories,
  key: string,
  field = "moduleKey",
): Promise<ModuleRow> {
  const module = await repos.modules.findByKey(key);
  if (!module) throw notFound("module", key, field);
  const state = moduleState(
    module.billing_enabled,
    module.first_successful_sync_at ? new Date(module.first_successful_sync_at) : null,
  );
  if (state !== "ready") {
    throw new AppError(
      "module_not_ready",
      `module ${module.name} is ${state.replaceAll("_", " ")}; its organizations cannot be mapped now`,
      {
        field,
        details: { moduleKey: key, state },
      },
    );
  }
  return module;
}

/** Locks the module organization row for the transaction; 404 when unknown. */
export async function lockModuleOrganization(
  repos: Repositories,
  id: string,
  field = "moduleOrganizationId",
) {
  const [row] = await repos.moduleOrganizations.lockByIds([id]);
  if (!row) throw notFound("module organization", id, field);
  return row;
}

export interface MovedFrom {
  organizationId: string;
  organizationName: string;
}

/**
 * Points a module organization at a target (or at nothing). A move is a single update, so it is
 * one transaction with the caller's other changes (rule 3). Setting a mapping clears the pair's
 * ignore (product section 1). Returns where it was mapped before, when that changed.
 */
export async function applyMapping(
  repos: Repositories,
  step: AuditStep,
  moduleOrganization: ModuleOrganizationRow,
  target: OrganizationRow | null,
  source: MappingSource,
): Promise<{ movedFrom: MovedFrom | null; changed: boolean }> {
  const current = await repos.mappings.findMapping(moduleOrganization.id);
  if ((current?.organization_id ?? null) === (target?.id ?? null)) return { movedFrom: null, changed: false };
  const before = current
    ? { organizationId: current.organization_id, organizationName: current.organization_name }
    : null;
  if (target) {
    await repos.mappings.setMapping({
      moduleOrganizationId: moduleOrganization.id,
      moduleKey: moduleOrganization.module_key,
      organizationId: target.id,
      source,
      createdBy: step.actor.label,
      at: step.at,
    });
    await applyIgnore(repos, step, target, moduleOrganization.module_key, false);
  } else {
    await repos.mappings.deleteMapping(moduleOrganization.id);
  }
  await repos.moduleOrganizations.bumpVersion([moduleOrganization.id]);
  const after = target ? { organizationId: target.id, organizationName: target.name } : null;
  step.record({
    action: target ? (before ? "mapping.moved" : "mapping.created") : "mapping.deleted",
    entityType: "mapping",
    entityId: moduleOrganization.id,
    summary: target
      ? `${moduleOrganization.module_key} "${moduleOrganization.name}" mapped to ${target.name}${before ? ` (was ${before.organizationName})` : ""}`
      : `${moduleOrganization.module_key} "${moduleOrganization.name}" unmapped from ${before?.organizationName}`,
    before,
    after,
  });
  return { movedFrom: before && target ? before : null, changed: true };
}

/** Sets or clears the ignore of an (organization, module) pair, recording a change only when there is one. */
export async function applyIgnore(
  repos: Repositories,
  step: AuditStep,
  organization: Pick<OrganizationRow, "id" | "name">,
  moduleKey: string,
  ignored: boolean,
): Promise<boolean> {
  const was = await repos.mappings.isIgnored(organization.id, moduleKey);
  if (was === ignored) return false;
  if (ignored) await repos.mappings.setIgnore(organization.id, moduleKey, step.actor.label, step.at);
  else await repos.mappings.deleteIgnore(organization.id, moduleKey);
  step.record({
    action: ignored ? "ignore.created" : "ignore.deleted",
    entityType: "ignore",
    entityId: `${organization.id}/${moduleKey}`,
    summary: `${organization.name}: ${moduleKey} ${ignored ? "ignored" : "no longer ignored"}`,
    before: was ? { ignored: true } : null,
    after: ignored ? { ignored: true } : null,
  });
  return true;
}

/** Excludes a module organization from billing, or includes it again. */
export async function applyExclusion(
  repos: Repositories,
  step: AuditStep,
  moduleOrganization: ModuleOrganizationRow,
  excluded: boolean,
): Promise<boolean> {
  const was = await repos.mappings.isExcluded(moduleOrganization.id);
  if (was === excluded) return false;
  if (excluded) await repos.mappings.setExclusion(moduleOrganization.id, step.actor.label, step.at);
  else await repos.mappings.deleteExclusion(moduleOrganization.id);
  await repos.moduleOrganizations.bumpVersion([moduleOrganization.id]);
  step.record({
    action: excluded ? "exclusion.created" : "exclusion.deleted",
    entityType: "exclusion",
    entityId: moduleOrganization.id,
    summary: `${moduleOrganization.module_key} "${moduleOrganization.name}" ${excluded ? "excluded from billing" : "included in billing again"}`,
    before: was ? { excluded: true } : null,
    after: excluded ? { excluded: true } : null,
  });
  return true;
}

/**
 * The set-based form of applyMapping for many module organizations at once (bulk mapping, accepting
 * suggestions): the same rules and the same audit events, in a handful of queries per chunk instead
 * of several per row. Rows must be locked by the caller.
 */
export async function applyMappingsInBulk(
  repos: Repositories,
  step: AuditStep,
  items: readonly { moduleOrganization: ModuleOrganizationRow; target: OrganizationRow }[],
  source: MappingSource,
): Promise<{ applied: number; moved: number }> {
  let applied = 0;
  let moved = 0;
  for (let i = 0; i < items.length; i += 1000) {
    const chunk = items.slice(i, i + 1000);
    const current = new Map(
      (await repos.mappings.findMappings(chunk.map((c) => c.moduleOrganization.id))).map((m) => [
        m.module_organization_id,
        m,
      ]),
    );
    const changes = chunk.filter(
      (c) => current.get(c.moduleOrganization.id)?.organization_id !== c.target.id,
    );
    if (changes.length === 0) continue;
    await repos.mappings.upsertMany(
      changes.map((c) => ({
        moduleOrganizationId: c.moduleOrganization.id,
        moduleKey: c.moduleOrganization.module_key,
        organizationId: c.target.id,
        source,
        createdBy: step.actor.label,
        at: step.at,
      })),
    );
    const ignored = await repos.mappings.ignoredModuleKeys(
      [...new Set(changes.map((c) => c.target.id))],
      [...new Set(changes.map((c) => c.moduleOrganization.module_key))],
    );
    const wanted = new Set(changes.map((c) => `${c.target.id}/${c.moduleOrganization.module_key}`));
    const names = new Map(changes.map((c) => [c.target.id, c.target.name]));
    for (const ignore of ignored.filter((g) => wanted.has(`${g.organization_id}/${g.module_key}`))) {
      await applyIgnore(
        repos,
        step,
        { id: ignore.organization_id, name: names.get(ignore.organization_id) ?? "" },
        ignore.module_key,
        false,
      );
    }
    await repos.moduleOrganizations.bumpVersion(changes.map((c) => c.moduleOrganization.id));
    for (const { moduleOrganization, target } of changes) {
      const was = current.get(moduleOrganization.id);
      const before = was
        ? { organizationId: was.organization_id, organizationName: was.organization_name }
        : null;
      step.record({
        action: before ? "mapping.moved" : "mapping.created",
        entityType: "mapping",
        entityId: moduleOrganization.id,
        summary: `${moduleOrganization.module_key} "${moduleOrganization.name}" mapped to ${target.name}${before ? ` (was ${before.organizationName})` : ""}`,
        before,
        after: { organizationId: target.id, organizationName: target.name },
      });
      applied++;
      if (before) moved++;
    }
  }
  return { applied, moved };
}
