import type { Repositories } from "../db/repositories.ts";
import type { MappingSource } from "../db/schema.ts";
import { exclusionEvent, ignoreEvent, type MappingState, mappingEvent } from "../domain/audit.ts";
import type { AuditStep } from "./audit-step.ts";
import {
  recordExclusionChange,
  recordMappingChange,
  recordMappingChanges,
} from "./billing/mapping-history.ts";
import type { MappableOrganization, ReadyModule, WritableModuleOrganization } from "./mapping-rules.ts";

/**
 * The only functions that write mappings, ignores and exclusions. Each takes the branded values of
 * `mapping-rules.ts` (so rules 1 and 2 were checked), runs inside the caller's transaction and
 * records to its step. Rule 3 (a move is one update and says where it was) and the ignore rule (a
 * mapping clears its pair's ignore) live here, once.
 */

export type MovedFrom = MappingState;

function describe(moduleOrganization: WritableModuleOrganization) {
  return `${moduleOrganization.module_key} "${moduleOrganization.name}"`;
}

/**
 * Points a module organization at a target (or at nothing). A move is a single update, so it is
 * one transaction with the caller's other changes (rule 3). Setting a mapping clears the pair's
 * ignore (product section 1). Returns where it was mapped before, when that changed.
 * A caller that has already read the current mapping under the row lock (import, undo) passes it
 * as `known`, so the row is not read twice in one write.
 */
export async function applyMapping(
  repos: Repositories,
  step: AuditStep,
  moduleOrganization: WritableModuleOrganization,
  target: MappableOrganization | null,
  source: MappingSource,
  known?: { current: { organization_id: string; organization_name: string } | undefined },
): Promise<{ movedFrom: MovedFrom | null; changed: boolean }> {
  const current = known ? known.current : await repos.mappings.findMapping(moduleOrganization.id);
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
    await applyIgnore(repos, step, { organization: target, module: moduleOrganization.module }, false);
  } else {
    await repos.mappings.deleteMapping(moduleOrganization.id);
  }
  await recordMappingChange(repos, moduleOrganization.id, target?.id ?? null, step.at);
  await repos.moduleOrganizations.bumpVersion([moduleOrganization.id]);
  const after = target ? { organizationId: target.id, organizationName: target.name } : null;
  step.record(
    mappingEvent(
      {
        entityId: moduleOrganization.id,
        summary: target
          ? `${describe(moduleOrganization)} mapped to ${target.name}${before ? ` (was ${before.organizationName})` : ""}`
          : `${describe(moduleOrganization)} unmapped from ${before?.organizationName}`,
      },
      before,
      after,
    ),
  );
  return { movedFrom: before && target ? before : null, changed: true };
}

/** Sets or clears the ignore of an (organization, module) pair, recording a change only when there is one. */
export async function applyIgnore(
  repos: Repositories,
  step: AuditStep,
  pair: { organization: MappableOrganization; module: ReadyModule },
  ignored: boolean,
): Promise<boolean> {
  const was = await repos.mappings.isIgnored(pair.organization.id, pair.module.key);
  if (was === ignored) return false;
  await writeIgnore(repos, step, pair, ignored);
  return true;
}

/** The write and the event of applyIgnore, for a caller that already knows the pair's ignore differs. */
async function writeIgnore(
  repos: Repositories,
  step: AuditStep,
  pair: { organization: MappableOrganization; module: ReadyModule },
  ignored: boolean,
): Promise<void> {
  const { organization, module } = pair;
  if (ignored) await repos.mappings.setIgnore(organization.id, module.key, step.actor.label, step.at);
  else await repos.mappings.deleteIgnore(organization.id, module.key);
  step.record(
    ignoreEvent(
      {
        entityId: `${organization.id}/${module.key}`,
        summary: `${organization.name}: ${module.key} ${ignored ? "ignored" : "no longer ignored"}`,
      },
      ignored,
    ),
  );
}

/** Excludes a module organization from billing, or includes it again. */
export async function applyExclusion(
  repos: Repositories,
  step: AuditStep,
  moduleOrganization: WritableModuleOrganization,
  excluded: boolean,
): Promise<boolean> {
  const was = await repos.mappings.isExcluded(moduleOrganization.id);
  if (was === excluded) return false;
  if (excluded) await repos.mappings.setExclusion(moduleOrganization.id, step.actor.label, step.at);
  else await repos.mappings.deleteExclusion(moduleOrganization.id);
  await recordExclusionChange(repos, moduleOrganization.id, excluded, step.at);
  await repos.moduleOrganizations.bumpVersion([moduleOrganization.id]);
  step.record(
    exclusionEvent(
      {
        entityId: moduleOrganization.id,
        summary: `${describe(moduleOrganization)} ${excluded ? "excluded from billing" : "included in billing again"}`,
      },
      excluded,
    ),
  );
  return true;
}

/**
 * The set-based form of applyMapping for many module organizations at once (bulk mapping, accepting
 * suggestions): the same rules and the same audit events, in a handful of queries per chunk instead
 * of several per row.
 */
export async function applyMappingsInBulk(
  repos: Repositories,
  step: AuditStep,
  items: readonly { moduleOrganization: WritableModuleOrganization; target: MappableOrganization }[],
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
    await recordMappingChanges(
      repos,
      changes.map((c) => ({ moduleOrganizationId: c.moduleOrganization.id, organizationId: c.target.id })),
      step.at,
    );
    const ignored = await repos.mappings.ignoredModuleKeys(
      [...new Set(changes.map((c) => c.target.id))],
      [...new Set(changes.map((c) => c.moduleOrganization.module_key))],
    );
    const pairs = new Map(
      changes.map((c) => [
        `${c.target.id}/${c.moduleOrganization.module_key}`,
        { organization: c.target, module: c.moduleOrganization.module },
      ]),
    );
    for (const ignore of ignored) {
      const pair = pairs.get(`${ignore.organization_id}/${ignore.module_key}`);
      // Read as ignored just above: clear it without reading it again.
      if (pair) await writeIgnore(repos, step, pair, false);
    }
    await repos.moduleOrganizations.bumpVersion(changes.map((c) => c.moduleOrganization.id));
    for (const { moduleOrganization, target } of changes) {
      const was = current.get(moduleOrganization.id);
      const before = was
        ? { organizationId: was.organization_id, organizationName: was.organization_name }
        : null;
      step.record(
        mappingEvent(
          {
            entityId: moduleOrganization.id,
            summary: `${describe(moduleOrganization)} mapped to ${target.name}${before ? ` (was ${before.organizationName})` : ""}`,
          },
          before,
          { organizationId: target.id, organizationName: target.name },
        ),
      );
      applied++;
      if (before) moved++;
    }
  }
  return { applied, moved };
}
