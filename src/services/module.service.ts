import type { AppContext } from "../context.ts";
import { GridRepository } from "../db/grid.repository.ts";
import { repositories } from "../db/repositories.ts";
import type { ModuleRow } from "../db/schema.ts";
import type { SyncRunSummary } from "../db/sync-run.repository.ts";
import type { Actor } from "../domain/actor.ts";
import { AppError, notFound } from "../domain/errors.ts";
import { moduleState } from "../domain/module.ts";
import {
  type ConnectorView,
  connectorView,
  type SyncConfigInput,
  type SyncConfigService,
} from "./sync/sync-config.service.ts";
import { inUnitOfWork, type UnitOfWork } from "./unit-of-work.ts";

export interface ModuleView {
  key: string;
  name: string;
  billingEnabled: boolean;
  state: ReturnType<typeof moduleState>;
  firstSuccessfulSyncAt: string | null;
  schedule: string;
  connector: ConnectorView | null;
  lastSync: {
    id: string;
    outcome: string;
    trigger: string;
    startedAt: string;
    finishedAt: string | null;
    error: string | null;
  } | null;
  counts: { moduleOrganizations: number; mapped: number; unmapped: number; excluded: number };
}

/** PATCH /modules/{key}: every field optional; all of them change in one transaction and one audit step. */
export interface ModulePatch extends SyncConfigInput {
  name?: string | undefined;
  billingEnabled?: boolean | undefined;
}

type Counts = { total: number; mapped: number; unmapped: number; excluded: number };

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
const NO_COUNTS: Counts = { total: 0, mapped: 0, unmapped: 0, excluded: 0 };

export function stateOf(module: Pick<ModuleRow, "billing_enabled" | "first_successful_sync_at">) {
  return moduleState(
    module.billing_enabled,
    module.first_successful_sync_at ? new Date(module.first_successful_sync_at) : null,
  );
}

function toView(m: ModuleRow, c: Counts, run: SyncRunSummary | undefined): ModuleView {
  return {
    key: m.key,
    name: m.name,
    billingEnabled: m.billing_enabled,
    state: stateOf(m),
    firstSuccessfulSyncAt: iso(m.first_successful_sync_at),
    schedule: m.schedule,
    connector: connectorView(m),
    lastSync: run
      ? {
          id: run.id,
          outcome: run.outcome,
          trigger: run.trigger,
          startedAt: iso(run.started_at)!,
          finishedAt: iso(run.finished_at),
          error: run.error,
        }
      : null,
    counts: { moduleOrganizations: c.total, mapped: c.mapped, unmapped: c.unmapped, excluded: c.excluded },
  };
}

/** Modules: the integrated billing switch (rule 1), name, connector and schedule, and what the admin page shows. */
export class ModuleService {
  constructor(
    private readonly ctx: AppContext,
    private readonly syncConfig: SyncConfigService,
  ) {}

  async list(): Promise<ModuleView[]> {
    const repos = repositories(this.ctx.db);
    const [modules, counts, lastRuns] = await Promise.all([
      repos.modules.list(),
      repos.mappings.moduleCounts(),
      repos.syncRuns.latestPerModule(),
    ]);
    return modules.map((m) => toView(m, counts.get(m.key) ?? NO_COUNTS, lastRuns.get(m.key)));
  }

  /** One module, read alone (its row, its counts, its last run). */
  async get(key: string): Promise<ModuleView> {
    const repos = repositories(this.ctx.db);
    const module = await repos.modules.findByKey(key);
    if (!module) throw notFound("module", key, "key");
    const [counts, lastRuns] = await Promise.all([
      repos.mappings.moduleCounts(key),
      repos.syncRuns.latestPerModule(key),
    ]);
    return toView(module, counts.get(key) ?? NO_COUNTS, lastRuns.get(key));
  }

  async create(actor: Actor, input: { key: string; name: string }): Promise<ModuleView> {
    await inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      if (await repos.modules.findByKey(input.key)) {
        throw new AppError("conflict", `a module with key ${input.key} exists already`, { field: "key" });
      }
      await repos.modules.insert({ key: input.key, name: input.name, createdAt: step.at });
      step.record({
        action: "module.created",
        entityType: "module",
        entityId: input.key,
        summary: `module ${input.name} added`,
        before: null,
        after: { key: input.key, name: input.name },
      });
    });
    return this.get(input.key);
  }

  /**
   * Changes what the patch names (connector and schedule, name, integrated billing) in one
   * transaction and one audit step: all of it or, when one part is refused, none of it.
   */
  async update(actor: Actor, key: string, patch: ModulePatch): Promise<ModuleView> {
    await inUnitOfWork(this.ctx, actor, async (unit) => {
      const module = await unit.repos.modules.lock(key);
      if (!module) throw notFound("module", key, "key");
      if (patch.connector !== undefined || patch.schedule !== undefined) {
        await this.syncConfig.configureModuleIn(unit, module, {
          connector: patch.connector,
          schedule: patch.schedule,
        });
      }
      if (patch.name !== undefined) await this.renameIn(unit, module, patch.name);
      if (patch.billingEnabled !== undefined) {
        await this.setBillingEnabledIn(
          unit,
          { ...module, name: patch.name ?? module.name },
          patch.billingEnabled,
        );
      }
    });
    return this.get(key);
  }

  /**
   * Turns integrated billing on or off (rule 1). Off hides the module from the mapping views but
   * keeps every mapping; on again restores them (at once if its first sync already happened).
   */
  async setBillingEnabled(actor: Actor, key: string, enabled: boolean): Promise<ModuleView> {
    return this.update(actor, key, { billingEnabled: enabled });
  }

  async rename(actor: Actor, key: string, name: string): Promise<ModuleView> {
    return this.update(actor, key, { name });
  }

  private async setBillingEnabledIn({ repos, step }: UnitOfWork, module: ModuleRow, enabled: boolean) {
    if (module.billing_enabled === enabled) return;
    await repos.modules.update(module.key, { billing_enabled: enabled, billing_changed_at: step.at });
    step.record({
      action: enabled ? "module.billing_enabled" : "module.billing_disabled",
      entityType: "module",
      entityId: module.key,
      summary: `integrated billing ${enabled ? "on" : "off"} for ${module.name}`,
      before: { billingEnabled: module.billing_enabled },
      after: { billingEnabled: enabled },
    });
  }

  private async renameIn({ repos, step }: UnitOfWork, module: ModuleRow, name: string) {
    if (module.name === name) return;
    await repos.modules.update(module.key, { name });
    step.record({
      action: "module.renamed",
      entityType: "module",
      entityId: module.key,
      summary: `module ${module.name} renamed to ${name}`,
      before: { name: module.name },
      after: { name },
    });
  }

  /** Yet to be mapped (rule 7), per ready module. */
  async worklists(options: { allTypes: boolean }) {
    const repos = repositories(this.ctx.db);
    const readyKeys = await repos.modules.readyKeys();
    const modules = new Map((await repos.modules.list()).map((m) => [m.key, m.name]));
    const scope = options.allTypes ? ("all_mappable" as const) : ("active_customers" as const);
    const [unmapped, withoutMapping, organizationsWithGap] = await Promise.all([
      repos.mappings.countUnmappedModuleOrganizations(readyKeys),
      repos.mappings.countOrganizationsWithoutMapping(readyKeys, { customersOnly: !options.allTypes }),
      // Across modules an organization counts once, however many of its modules are still to do.
      new GridRepository(this.ctx.db).count({ moduleKeys: readyKeys, worklist: scope }),
    ]);
    return {
      scope,
      totals: {
        unmappedModuleOrganizations: readyKeys.reduce((sum, key) => sum + (unmapped.get(key) ?? 0), 0),
        organizationsWithoutMapping: organizationsWithGap,
      },
      modules: readyKeys.map((key) => ({
        moduleKey: key,
        name: modules.get(key) ?? key,
        unmappedModuleOrganizations: unmapped.get(key) ?? 0,
        organizationsWithoutMapping: withoutMapping.get(key) ?? 0,
      })),
    };
  }
}
