import type { AppContext } from "../context.ts";
import { type Repositories, repositories } from "../db/repositories.ts";
import type { MappingSource } from "../db/schema.ts";
import type { Actor } from "../domain/actor.ts";
import { invalidValue, versionConflict } from "../domain/errors.ts";
import {
  lockWritable,
  lockWritableModuleOrganization,
  requireMappableTarget,
  requireOrganization,
  requireReadyModule,
} from "./mapping-rules.ts";
import { applyExclusion, applyMapping, applyMappingsInBulk, type MovedFrom } from "./mapping-writes.ts";
import { type PairState, readPairs, setPairSelection } from "./pair-selection.ts";
import { inUnitOfWork, type UnitOfWork } from "./unit-of-work.ts";

export type { PairState } from "./pair-selection.ts";

export interface OrganizationMappingLine {
  moduleKey: string;
  moduleName: string;
  moduleOrganizationId: string | null;
  moduleOrganizationName: string | null;
  isIgnored: boolean;
  extraModuleOrganizations: { id: string; name: string }[];
  version: string;
}

/** Use cases that change mappings, ignores and exclusions. Each call is one unit of work (one transaction, one audit step). */
export class MappingService {
  constructor(private readonly ctx: AppContext) {}

  private inStep<T>(actor: Actor, work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
    return inUnitOfWork(this.ctx, actor, work);
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
    /** The audit step that recorded the change (for the web's Undo), null when nothing changed. */
    stepId: string | null;
  }> {
    return this.inStep(actor, async ({ repos, step }) => {
      const moduleOrganization = await lockWritableModuleOrganization(repos, moduleOrganizationId);
      if (options.version !== undefined && options.version !== moduleOrganization.version) {
        throw versionConflict("this module organization was changed by someone else; reload and try again", {
          expected: options.version,
          actual: moduleOrganization.version,
        });
      }
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
        stepId: step.stepIdIfChanged(),
      };
    });
  }

  async unmap(actor: Actor, moduleOrganizationId: string, options: { version?: number | undefined } = {}) {
    return this.inStep(actor, async ({ repos, step }) => {
      const moduleOrganization = await lockWritableModuleOrganization(repos, moduleOrganizationId);
      if (options.version !== undefined && options.version !== moduleOrganization.version) {
        throw versionConflict("this module organization was changed by someone else; reload and try again");
      }
      const { changed } = await applyMapping(repos, step, moduleOrganization, null, "user");
      return {
        moduleOrganizationId,
        version: moduleOrganization.version + (changed ? 1 : 0),
        stepId: step.stepIdIfChanged(),
      };
    });
  }

  async setExcluded(actor: Actor, moduleOrganizationId: string, excluded: boolean) {
    return this.inStep(actor, async ({ repos, step }) => {
      const moduleOrganization = await lockWritableModuleOrganization(repos, moduleOrganizationId);
      const changed = await applyExclusion(repos, step, moduleOrganization, excluded);
      return {
        moduleOrganizationId,
        isExcluded: excluded,
        version: moduleOrganization.version + (changed ? 1 : 0),
        stepId: step.stepIdIfChanged(),
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
    return this.inStep(actor, async ({ repos, step }) => {
      const target = await requireMappableTarget(repos, organizationId);
      step.title = `Map selected to ${target.name}`;
      const rows = await lockWritable(repos, moduleOrganizationIds, { field: () => "moduleOrganizationIds" });
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
   * organization and unmaps the one the cell held; null unmaps (and clears an ignore). The rules of
   * a selection are `setPairSelection`'s, shared with the organization page.
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
  ): Promise<{ cell: PairState; movedFrom: MovedFrom | null; stepId: string | null }> {
    return this.inStep(actor, async ({ repos, step }) => {
      const module = await requireReadyModule(repos, input.moduleKey);
      const organization = await requireMappableTarget(repos, input.organizationId);
      const { pair, movedFrom } = await setPairSelection(
        repos,
        step,
        { organization, module },
        {
          moduleOrganizationId: input.moduleOrganizationId,
          ignore: input.ignore === true,
          version: input.version,
        },
        { source: "grid", field: (name) => name },
      );
      return { cell: pair, movedFrom, stepId: step.stepIdIfChanged() };
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
   * Saves the organization page: every line in one transaction, each through `setPairSelection`
   * (the grid cell's rules). The page's pairs are locked up front, in one order, so two saves of
   * one page wait for each other instead of deadlocking.
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
    return this.inStep(actor, async ({ repos, step }) => {
      const organization = await requireMappableTarget(repos, organizationId, "id");
      step.title = `Save the mappings of ${organization.name}`;
      const seen = new Set<string>();
      for (const [index, line] of lines.entries()) {
        if (seen.has(line.moduleKey))
          throw invalidValue(`modules.${index}.moduleKey`, `module ${line.moduleKey} appears twice`);
        seen.add(line.moduleKey);
      }
      await repos.mappings.lockPairs(organization.id, [...seen]);
      for (const [index, line] of lines.entries()) {
        const field = (name: string) => `modules.${index}.${name}`;
        const module = await requireReadyModule(repos, line.moduleKey, field("moduleKey"));
        await setPairSelection(repos, step, { organization, module }, line, {
          source: "organization_page",
          field,
        });
      }
      return { organization, modules: await this.linesFor(repos, organization.id), stepId: step.id };
    });
  }
}
