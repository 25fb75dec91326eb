import type { Repositories } from "../db/repositories.ts";
import type { ModuleOrganizationRow, ModuleRow, OrganizationRow } from "../db/schema.ts";
import { AppError, invalidValue, notFound } from "../domain/errors.ts";
import { moduleState } from "../domain/module.ts";
import { isMappableType } from "../domain/organization.ts";

/**
 * The guards of the write path (product rules 1 and 2). The functions that write mappings, ignores
 * and exclusions (`mapping-writes.ts`) accept only the branded values made here, so a use case
 * cannot write without the rules having been checked: a `ReadyModule` comes from the ready check,
 * a `MappableOrganization` from the mappable check, a `WritableModuleOrganization` from a row lock
 * plus the ready check of its module. Every path (grid cell, list, organization page, bulk,
 * suggestions, import, undo) gets them here.
 */

declare const checked: unique symbol;
/** A value that passed a rule; only this file makes one (no other code needs a cast to it). */
type Checked<T, Rule extends string> = T & { readonly [checked]: Rule };

export type ReadyModule = Checked<ModuleRow, "ready module">;
export type MappableOrganization = Checked<OrganizationRow, "mappable organization">;
/** A module organization locked for the transaction, whose module is ready. */
export type WritableModuleOrganization = Checked<
  ModuleOrganizationRow & { readonly module: ReadyModule },
  "writable module organization"
>;

/** A rule's verdict as a value, for callers that report every failure instead of stopping (import). */
export type RuleCheck<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** The checked value, or the rule's error thrown. */
export function requireChecked<T>(check: RuleCheck<T>): T {
  if (!check.ok) throw check.error;
  return check.value;
}

/** Rule 1: only `ready` modules take changes (409 naming the module and its state); 404 when unknown. */
export function checkReadyModule(
  module: ModuleRow | undefined,
  key: string,
  field = "moduleKey",
): RuleCheck<ReadyModule> {
  if (!module) return { ok: false, error: notFound("module", key, field) };
  const state = moduleState(
    module.billing_enabled,
    module.first_successful_sync_at ? new Date(module.first_successful_sync_at) : null,
  );
  if (state !== "ready") {
    return {
      ok: false,
      error: new AppError(
        "module_not_ready",
        `module ${module.name} is ${state.replaceAll("_", " ")}; its organizations cannot be mapped now`,
        { field, details: { moduleKey: key, moduleName: module.name, state } },
      ),
    };
  }
  return { ok: true, value: module as ReadyModule };
}

/** Rule 2: the target must exist (404) and be mappable (422 naming it and its type). */
export function checkMappableTarget(
  organization: OrganizationRow | undefined,
  id: string,
  field = "organizationId",
): RuleCheck<MappableOrganization> {
  if (!organization) return { ok: false, error: notFound("organization", id, field) };
  if (!isMappableType(organization.type)) {
    return {
      ok: false,
      error: new AppError(
        "unmappable_target",
        `${organization.name} is a ${organization.type} organization and cannot be a mapping target`,
        {
          field,
          details: {
            organizationId: id,
            organizationName: organization.name,
            organizationType: organization.type,
          },
        },
      ),
    };
  }
  return { ok: true, value: organization as MappableOrganization };
}

export async function requireReadyModule(repos: Repositories, key: string, field = "moduleKey") {
  return requireChecked(checkReadyModule(await repos.modules.findByKey(key), key, field));
}

export async function requireMappableTarget(
  repos: Repositories,
  organizationId: string,
  field = "organizationId",
) {
  return requireChecked(
    checkMappableTarget(await repos.organizations.findById(organizationId), organizationId, field),
  );
}

export async function requireOrganization(repos: Repositories, id: string, field = "organizationId") {
  const organization = await repos.organizations.findById(id);
  if (!organization) throw notFound("organization", id, field);
  return organization;
}

/**
 * Locks module organizations for the transaction (in id order, so writers cannot deadlock) and
 * requires each one's module to be ready. 404 names the first unknown id; with `module`, each must
 * belong to it (422). Answers in the order asked, without repeats.
 */
export async function lockWritable(
  repos: Repositories,
  ids: readonly string[],
  options: { field: (id: string) => string; readyField?: string; module?: ReadyModule },
): Promise<WritableModuleOrganization[]> {
  const unique = [...new Set(ids)];
  const rows = new Map((await repos.moduleOrganizations.lockByIds(unique)).map((r) => [r.id, r]));
  const modules = new Map<string, ReadyModule>(options.module ? [[options.module.key, options.module]] : []);
  const result: WritableModuleOrganization[] = [];
  for (const id of unique) {
    const row = rows.get(id);
    if (!row) throw notFound("module organization", id, options.field(id));
    if (options.module && row.module_key !== options.module.key) {
      throw invalidValue(
        options.field(id),
        `module organization ${row.name} belongs to ${row.module_key}, not ${options.module.key}`,
      );
    }
    let module = modules.get(row.module_key);
    if (!module) {
      module = await requireReadyModule(repos, row.module_key, options.readyField ?? options.field(id));
      modules.set(module.key, module);
    }
    result.push({ ...row, module } as WritableModuleOrganization);
  }
  return result;
}

export async function lockWritableModuleOrganization(
  repos: Repositories,
  id: string,
  field = "moduleOrganizationId",
  module?: ReadyModule,
): Promise<WritableModuleOrganization> {
  const [row] = await lockWritable(repos, [id], {
    field: () => field,
    readyField: "moduleKey",
    ...(module ? { module } : {}),
  });
  return row as WritableModuleOrganization;
}

/** One line of a mapping request by external keys: a module organization and a target (null unmaps). */
export interface MappingLine {
  moduleKey: string;
  moduleExternalId: string;
  /** The target's PSA id; null to unmap. */
  organizationPsaId: string | null;
}

export type MappingCheck = RuleCheck<{
  moduleOrganization: WritableModuleOrganization;
  target: MappableOrganization | null;
}>;

/**
 * The rules of one mapping as a value, never thrown: the module exists and is ready, the module
 * organization exists (and is locked), the target exists and is mappable. Import reports every
 * line with it; `readyChecks` carries the module verdicts from line to line.
 */
export async function checkMapping(
  repos: Repositories,
  line: MappingLine,
  readyChecks = new Map<string, RuleCheck<ReadyModule>>(),
): Promise<MappingCheck> {
  let ready = readyChecks.get(line.moduleKey);
  if (!ready) {
    ready = checkReadyModule(await repos.modules.findByKey(line.moduleKey), line.moduleKey);
    readyChecks.set(line.moduleKey, ready);
  }
  if (!ready.ok) return ready;
  const [found] = await repos.moduleOrganizations.findByExternalIds(line.moduleKey, [line.moduleExternalId]);
  if (!found) {
    return {
      ok: false,
      error: notFound(`${line.moduleKey} module organization with external id`, line.moduleExternalId),
    };
  }
  const moduleOrganization = await lockWritableModuleOrganization(
    repos,
    found.id,
    "moduleExternalId",
    ready.value,
  );
  if (line.organizationPsaId === null) return { ok: true, value: { moduleOrganization, target: null } };
  const [organization] = await repos.organizations.findByPsaIds([line.organizationPsaId]);
  const target = organization
    ? checkMappableTarget(organization, organization.id)
    : { ok: false as const, error: notFound("organization with PSA id", line.organizationPsaId) };
  if (!target.ok) return target;
  return { ok: true, value: { moduleOrganization, target: target.value } };
}
