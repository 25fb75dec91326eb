import type { AppContext } from "../context.ts";
import { repositories } from "../db/repositories.ts";
import type { ModuleRow } from "../db/schema.ts";
import type { Actor } from "../domain/actor.ts";
import { AppError, notFound } from "../domain/errors.ts";
import { moduleState } from "../domain/module.ts";
import { AuditStep } from "./audit-step.ts";

export interface ModuleView {
  key: string;
  name: string;
  billingEnabled: boolean;
  state: ReturnType<typeof moduleState>;
  firstSuccessfulSyncAt: string | null;
  schedule: string;
  connector: { kind: string; settings: Record<string, unknown>; hasSecrets: boolean } | null;
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

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function stateOf(module: Pick<ModuleRow, "billing_enabled" | "first_successful_sync_at">) {
  return moduleState(
    module.billing_enabled,
    module.first_successful_sync_at ? new Date(module.first_successful_sync_at) : null,
  );
}

/** Modules: the integrated billing switch (rule 1) and what the admin page shows. */
export class ModuleService {
  constructor(private readonly ctx: AppContext) {}

  async list(): Promise<ModuleView[]> {
    const repos = repositories(this.ctx.db);
    const [modules, counts, lastRuns] = await Promise.all([
      repos.modules.list(),
      repos.mappings.moduleCounts(),
      this.ctx.db
        .selectFrom("sync_runs")
        .selectAll()
        .distinctOn("module_key")
        .where("module_key", "is not", null)
        .orderBy("module_key")
        .orderBy("started_at", "desc")
        .execute(),
    ]);
    const lastByModule = new Map(lastRuns.map((r) => [r.module_key, r]));
    return modules.map((m) => {
      const c = counts.get(m.key) ?? { total: 0, mapped: 0, unmapped: 0, excluded: 0 };
      const run = lastByModule.get(m.key);
      return {
        key: m.key,
        name: m.name,
        billingEnabled: m.billing_enabled,
        state: stateOf(m),
        firstSuccessfulSyncAt: iso(m.first_successful_sync_at),
        schedule: m.schedule,
        connector: m.connector_kind
          ? {
              kind: m.connector_kind,
              settings: m.connector_settings,
              hasSecrets: m.connector_secrets !== null,
            }
          : null,
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
        counts: {
          moduleOrganizations: c.total,
          mapped: c.mapped,
          unmapped: c.unmapped,
          excluded: c.excluded,
        },
      };
    });
  }

  async get(key: string): Promise<ModuleView> {
    const module = (await this.list()).find((m) => m.key === key);
    if (!module) throw notFound("module", key, "key");
    return module;
  }

  async create(actor: Actor, input: { key: string; name: string }): Promise<ModuleView> {
    await this.ctx.db.transaction().execute(async (tx) => {
      const repos = repositories(tx);
      if (await repos.modules.findByKey(input.key)) {
        throw new AppError("conflict", `a module with key ${input.key} exists already`, { field: "key" });
      }
      const step = new AuditStep(actor, this.ctx.clock.now());
      await repos.modules.insert({ key: input.key, name: input.name, createdAt: step.at });
      step.record({
        action: "module.created",
        entityType: "module",
        entityId: input.key,
        summary: `module ${input.name} added`,
        before: null,
        after: { key: input.key, name: input.name },
      });
      await step.flush(repos.audit);
    });
    return this.get(input.key);
  }

  /**
   * Turns integrated billing on or off (rule 1). Off hides the module from the mapping views but
   * keeps every mapping; on again restores them (at once if its first sync already happened).
   */
  async setBillingEnabled(actor: Actor, key: string, enabled: boolean): Promise<ModuleView> {
    await this.ctx.db.transaction().execute(async (tx) => {
      const repos = repositories(tx);
      const module = await repos.modules.lock(key);
      if (!module) throw notFound("module", key, "key");
      if (module.billing_enabled === enabled) return;
      const step = new AuditStep(actor, this.ctx.clock.now());
      await repos.modules.update(key, { billing_enabled: enabled, billing_changed_at: step.at });
      step.record({
        action: enabled ? "module.billing_enabled" : "module.billing_disabled",
        entityType: "module",
        entityId: key,
        summary: `integrated billing ${enabled ? "on" : "off"} for ${module.name}`,
        before: { billingEnabled: module.billing_enabled },
        after: { billingEnabled: enabled },
      });
      await step.flush(repos.audit);
    });
    return this.get(key);
  }

  async rename(actor: Actor, key: string, name: string): Promise<ModuleView> {
    await this.ctx.db.transaction().execute(async (tx) => {
      const repos = repositories(tx);
      const module = await repos.modules.lock(key);
      if (!module) throw notFound("module", key, "key");
      if (module.name === name) return;
      const step = new AuditStep(actor, this.ctx.clock.now());
      await repos.modules.update(key, { name });
      step.record({
        action: "module.renamed",
        entityType: "module",
        entityId: key,
        summary: `module ${module.name} renamed to ${name}`,
        before: { name: module.name },
        after: { name },
      });
      await step.flush(repos.audit);
    });
    return this.get(key);
  }

  /** Yet to be mapped (rule 7), per ready module. */
  async worklists(options: { allTypes: boolean }) {
    const repos = repositories(this.ctx.db);
    const readyKeys = await repos.modules.readyKeys();
    const modules = new Map((await repos.modules.list()).map((m) => [m.key, m.name]));
    const [unmapped, withoutMapping] = await Promise.all([
      repos.mappings.countUnmappedModuleOrganizations(readyKeys),
      repos.mappings.countOrganizationsWithoutMapping(readyKeys, { customersOnly: !options.allTypes }),
    ]);
    return {
      scope: options.allTypes ? ("all_mappable" as const) : ("active_customers" as const),
      modules: readyKeys.map((key) => ({
        moduleKey: key,
        name: modules.get(key) ?? key,
        unmappedModuleOrganizations: unmapped.get(key) ?? 0,
        organizationsWithoutMapping: withoutMapping.get(key) ?? 0,
      })),
    };
  }
}
