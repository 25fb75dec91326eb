import type { AppContext } from "../context.ts";
import { type Repositories, repositories } from "../db/repositories.ts";
import type { MappingSource } from "../db/schema.ts";
import type { Actor } from "../domain/actor.ts";
import { AppError, invalidValue, notFound, versionConflict } from "../domain/errors.ts";
import { type CellState, cellState, pairVersion } from "../domain/mapping.ts";
import { AuditStep } from "./audit-step.ts";
import {
  applyExclusion,
  applyIgnore,
  applyMapping,
  applyMappingsInBulk,
  lockModuleOrganization,
  type MovedFrom,
  requireMappableTarget,
  requireOrganization,
  requireReadyModule,
} from "./mapping-rules.ts";

export interface PairState {
  moduleOrganizations: { id: string; name: string }[];
  isIgnored: boolean;
  state: CellState;
  version: string;
}

export interface OrganizationMappingLine {
  moduleKey: string;
  moduleName: string;
  moduleOrganizationId: string | null;
  moduleOrganizationName: string | null;
  isIgnored: boolean;
  extraModuleOrganizations: { id: string; name: string }[];
  version: string;
}

/** The state of one (organization, module) pair: what a grid cell or an organization-page line shows. */
export async function readPairs(repos: Repositories, organizationIds: string[], moduleKeys: string[]) {
  const [mapped, ignored] = await Promise.all([
    repos.mappings.mappedTo(organizationIds, moduleKeys),
    repos.mappings.ignoredModuleKeys(organizationIds, moduleKeys),
  ]);
  const ignoredSet = new Set(ignored.map((i) => `${i.organization_id}/${i.module_key}`));
  const byPair = new Map<string, { id: string; name: string }[]>();
  for (const m of mapped) {
    const key = `${m.organization_id}/${m.module_key}`;
    const list = byPair.get(key) ?? [];
    list.push({ id: m.module_organization_id, name: m.module_organization_name });
    byPair.set(key, list);
  }
  return (organizationId: string, moduleKey: string): PairState => {
    const key = `${organizationId}/${moduleKey}`;
    const moduleOrganizations = byPair.get(key) ?? [];
    const isIgnored = ignoredSet.has(key);
    return {
      moduleOrganizations,
      isIgnored,
      state: cellState(moduleOrganizations.length, isIgnored),
      version: pairVersion(
        moduleOrganizations.map((m) => m.id),
        isIgnored,
      ),
    };
  };
}

/** Use cases that change mappings, ignores and exclusions. Each call is one transaction and one audit step. */
export class MappingService {
  constructor(private readonly ctx: AppContext) {}

  private async inStep<T>(
    actor: Actor,
    work: (repos: Repositories, step: AuditStep) => Promise<T>,
  ): Promise<T> {
    return this.ctx.db.transaction().execute(async (tx) => {
      const repos = repositories(tx);
      const step = new AuditStep(actor, this.ctx.clock.now());
      const result = await work(repos, step);
      await step.flush(repos.audit);
      return result;
    });
  }

  /** Maps one module organization (moving it when mapped elsewhere: rule 3). */
  async map(
    actor: Actor,
    moduleOrganizationId: string,
    organizationId: string,
    options: { version?: number | undefined; source?: MappingSource } = {},
  ): Promise<{
    moduleOrganizationId: string;
    organizationId: string;
    organizationName: string;
    version: number;
    movedFrom: MovedFrom | null;
  }> {
    return this.inStep(actor, async (repos, step) => {
      const moduleOrganization = await lockModuleOrganization(repos, moduleOrganizationId);
      if (options.version !== undefined && options.version !== moduleOrganization.version) {
        throw versionConflict("this module organization was changed by someone else; reload and try again", {
          expected: options.version,
          actual: moduleOrganization.version,
        });
      }
      await requireReadyModule(repos, moduleOrganization.module_key);
      const target = await requireMappableTarget(repos, organizationId);
      const { movedFrom, changed } = await applyMapping(
        repos,
        step,
        moduleOrganization,
        target,
        options.source ?? "user",
      );
      return {
        moduleOrganizationId,
        organizationId: target.id,
        organizationName: target.name,
        version: moduleOrganization.version + (changed ? 1 : 0),
        movedFrom,
      };
    });
  }

  async unmap(actor: Actor, moduleOrganizationId: string, options: { version?: number | undefined } = {}) {
    return this.inStep(actor, async (repos, step) => {
      const moduleOrganization = await lockModuleOrganization(repos, moduleOrganizationId);
      if (options.version !== undefined && options.version !== moduleOrganization.version) {
        throw versionConflict("this module organization was changed by someone else; reload and try again");
      }
      await requireReadyModule(repos, moduleOrganization.module_key);
      const { changed } = await applyMapping(repos, step, moduleOrganization, null, "user");
      return { moduleOrganizationId, version: moduleOrganization.version + (changed ? 1 : 0) };
    });
  }

  async setExcluded(actor: Actor, moduleOrganizationId: string, excluded: boolean) {
    return this.inStep(actor, async (repos, step) => {
      const moduleOrganization = await lockModuleOrganization(repos, moduleOrganizationId);
      await requireReadyModule(repos, moduleOrganization.module_key);
      const changed = await applyExclusion(repos, step, moduleOrganization, excluded);
      return {
        moduleOrganizationId,
        isExcluded: excluded,
        version: moduleOrganization.version + (changed ? 1 : 0),
      };
    });
  }

  /** Maps many module organizations to one target in one step (tab 2's "Map selected to ..."). */
  async bulkMap(
    actor: Actor,
    moduleOrganizationIds: string[],
    organizationId: string,
    source: MappingSource = "bulk",
  ) {
    return this.inStep(actor, async (repos, step) => {
      const target = await requireMappableTarget(repos, organizationId);
      const unique = [...new Set(moduleOrganizationIds)];
      const rows = await repos.moduleOrganizations.lockByIds(unique);
      const found = new Set(rows.map((r) => r.id));
      const unknown = unique.find((id) => !found.has(id));
      if (unknown) throw notFound("module organization", unknown, "moduleOrganizationIds");
      for (const key of new Set(rows.map((r) => r.module_key)))
        await requireReadyModule(repos, key, "moduleOrganizationIds");
      const { applied, moved } = await applyMappingsInBulk(
        repos,
        step,
        rows.map((row) => ({ moduleOrganization: row, target })),
        source,
      );
      return { applied, moved, stepId: step.id };
    });
  }

  /**
   * One cell of Map by Organization (rule 4): choosing a module organization maps it to the row's
   * organization and unmaps the one the cell held; null unmaps (and clears an ignore).
   */
  async setCell(
    actor: Actor,
    input: {
      organizationId: string;
      moduleKey: string;
      moduleOrganizationId: string | null;
      ignore?: boolean | undefined;
      version?: string | undefined;
    },
  ): Promise<{ cell: PairState; movedFrom: MovedFrom | null }> {
    return this.inStep(actor, async (repos, step) => {
      const module = await requireReadyModule(repos, input.moduleKey);
      const organization = await requireMappableTarget(repos, input.organizationId);
      const before = (await readPairs(repos, [organization.id], [module.key]))(organization.id, module.key);
      if (input.version !== undefined && input.version !== before.version) {
        throw versionConflict("this cell was changed by someone else; reload and try again");
      }
      if (before.state === "multiple") {
        throw new AppError(
          "cell_has_multiple",
          `${before.moduleOrganizations.length} module organizations are mapped to ${organization.name} in ${module.name}; change them in Map by Module Organization`,
          { field: "moduleOrganizationId" },
        );
      }
      let movedFrom: MovedFrom | null = null;
      const held = before.moduleOrganizations[0];
      if (input.moduleOrganizationId !== null) {
        if (input.ignore)
          throw invalidValue("ignore", "a cell cannot both hold a module organization and be ignored");
        const chosen = await lockModuleOrganization(repos, input.moduleOrganizationId);
        if (chosen.module_key !== module.key) {
          throw invalidValue(
            "moduleOrganizationId",
            `module organization ${chosen.name} belongs to ${chosen.module_key}, not ${module.key}`,
          );
        }
        if (held && held.id !== chosen.id) {
          await applyMapping(repos, step, await lockModuleOrganization(repos, held.id), null, "grid");
        }
        movedFrom = (await applyMapping(repos, step, chosen, organization, "grid")).movedFrom;
      } else {
        if (held) await applyMapping(repos, step, await lockModuleOrganization(repos, held.id), null, "grid");
        await applyIgnore(repos, step, organization, module.key, input.ignore === true);
      }
      const cell = (await readPairs(repos, [organization.id], [module.key]))(organization.id, module.key);
      return { cell, movedFrom };
    });
  }

  /** The organization page (rule 6): one line per ready module. */
  async getOrganizationMappings(organizationId: string) {
    const repos = repositories(this.ctx.db);
    const organization = await requireOrganization(repos, organizationId, "id");
    return { organization, modules: await this.linesFor(repos, organization.id) };
  }

  private async linesFor(repos: Repositories, organizationId: string): Promise<OrganizationMappingLine[]> {
    const readyKeys = await repos.modules.readyKeys();
    const modules = new Map((await repos.modules.list()).map((m) => [m.key, m]));
    const pair = await readPairs(repos, [organizationId], readyKeys);
    return readyKeys.map((key) => {
      const state = pair(organizationId, key);
      const [first, ...extra] = state.moduleOrganizations;
      return {
        moduleKey: key,
        moduleName: modules.get(key)?.name ?? key,
        moduleOrganizationId: first?.id ?? null,
        moduleOrganizationName: first?.name ?? null,
        isIgnored: state.isIgnored,
        extraModuleOrganizations: extra,
        version: state.version,
      };
    });
  }

  /**
   * Saves the organization page: every line in one transaction. A line edits the pair's selection
   * (its first module organization); extra module organizations mapped there are left alone.
   */
  async putOrganizationMappings(
    actor: Actor,
    organizationId: string,
    lines: {
      moduleKey: string;
      moduleOrganizationId: string | null;
      ignore: boolean;
      version?: string | undefined;
    }[],
  ) {
    return this.inStep(actor, async (repos, step) => {
      const organization = await requireMappableTarget(repos, organizationId, "id");
      const seen = new Set<string>();
      for (const [index, line] of lines.entries()) {
        const field = `modules.${index}`;
        if (seen.has(line.moduleKey))
          throw invalidValue(`${field}.moduleKey`, `module ${line.moduleKey} appears twice`);
        seen.add(line.moduleKey);
        const module = await requireReadyModule(repos, line.moduleKey, `${field}.moduleKey`);
        const before = (await readPairs(repos, [organization.id], [module.key]))(organization.id, module.key);
        if (line.version !== undefined && line.version !== before.version) {
          throw versionConflict(`${module.name} was changed by someone else; reload and try again`, {
            field: `${field}.version`,
          });
        }
        const [selected, ...extra] = before.moduleOrganizations;
        if (line.ignore && line.moduleOrganizationId !== null) {
          throw invalidValue(
            `${field}.ignore`,
            "a line cannot both choose a module organization and ignore the module",
          );
        }
        if (line.ignore && extra.length > 0) {
          throw invalidValue(
            `${field}.ignore`,
            `${before.moduleOrganizations.length} module organizations are mapped here in ${module.name}; unmap them before ignoring`,
          );
        }
        if (line.moduleOrganizationId !== null) {
          if (before.moduleOrganizations.some((m) => m.id === line.moduleOrganizationId)) continue;
          const chosen = await lockModuleOrganization(
            repos,
            line.moduleOrganizationId,
            `${field}.moduleOrganizationId`,
          );
          if (chosen.module_key !== module.key) {
            throw invalidValue(
              `${field}.moduleOrganizationId`,
              `module organization ${chosen.name} belongs to ${chosen.module_key}, not ${module.key}`,
            );
          }
          if (selected)
            await applyMapping(
              repos,
              step,
              await lockModuleOrganization(repos, selected.id),
              null,
              "organization_page",
            );
          await applyMapping(repos, step, chosen, organization, "organization_page");
        } else {
          if (selected)
            await applyMapping(
              repos,
              step,
              await lockModuleOrganization(repos, selected.id),
              null,
              "organization_page",
            );
          await applyIgnore(repos, step, organization, module.key, line.ignore);
        }
      }
      return { organization, modules: await this.linesFor(repos, organization.id), stepId: step.id };
    });
  }
}
