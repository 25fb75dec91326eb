import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { importDirOf } from "../../config.ts";
import type { AppContext } from "../../context.ts";
import { repositories } from "../../db/repositories.ts";
import type { Actor } from "../../domain/actor.ts";
import { billingTypeKey } from "../../domain/billing/billing-types.ts";
import { periodContaining, previousPeriod } from "../../domain/billing/period.ts";
import { ServiceMappingService } from "../billing/service-mapping.service.ts";
import { checkMappableTarget, lockWritable, requireChecked } from "../mapping-rules.ts";
import { applyMapping } from "../mapping-writes.ts";
import { ModuleService } from "../module.service.ts";
import { createSecretBox } from "../secret-box.ts";
import { SyncService } from "../sync/sync.service.ts";
import { SyncConfigService } from "../sync/sync-config.service.ts";
import { quietLog } from "../sync/sync-run.ts";
import { inUnitOfWork } from "../unit-of-work.ts";
import { DEMO_BILLING, type DemoBilling, generateDemoBilling } from "./demo-billing.ts";
import { type DemoData, generateDemoData } from "./demo-data.ts";

/** The demo module whose second usage read fails, so the first start shows a stale source. */
export const DEMO_FAILING_USAGE = "passly";

const usageCsv = (rows: readonly { externalId: string; billingType: string; quantity: number }[]) =>
  [
    "externalId,billingType,quantity",
    ...rows.map((r) => `${r.externalId},${r.billingType},${r.quantity}`),
  ].join("\n");

/**
 * Loads the demo instance the way a real one fills: the generated data is written as files in
 * the import folder, the PSA and each module get the `file` connector, and the real sync path
 * brings everything in (rule 8), billing on so that the first sync makes each module ready (rule 1).
 * Then the demo mappings are applied. Refuses to run on an instance that has organizations already.
 */
export class DemoService {
  constructor(private readonly ctx: AppContext) {}

  async isEmpty(): Promise<boolean> {
    const counts = await repositories(this.ctx.db).organizations.countByType();
    return Object.values(counts).every((n) => n === 0);
  }

  async load(
    actor: Actor,
    data: DemoData = generateDemoData(),
    options: { dir?: string; sync?: SyncService } = {},
  ) {
    // The file connector reads only inside the import folder, so the demo's files go there.
    const dir = options.dir ?? join(importDirOf(this.ctx.config), "demo");
    mkdirSync(dir, { recursive: true });
    const sync =
      options.sync ??
      new SyncService({ ...this.ctx, log: quietLog(this.ctx.log) }, createSecretBox(this.ctx.config));
    const config = new SyncConfigService(this.ctx, sync.secrets);

    const { timeZone } = await repositories(this.ctx.db).settings.get();
    const period = periodContaining(this.ctx.clock.now(), timeZone);
    const billing = generateDemoBilling(data, { current: period.key, previous: previousPeriod(period).key });
    const psaPath = join(dir, "psa-organizations.json");
    writeFileSync(psaPath, JSON.stringify(data.organizations));
    const contractsPath = join(dir, "psa-contracts.json");
    writeFileSync(contractsPath, JSON.stringify(billing.contracts));
    await config.configurePsa(actor, {
      connector: { kind: "file", settings: { path: psaPath, contractsPath } },
    });
    const psaRun = await sync.syncPsa("demo");
    if (psaRun.outcome !== "succeeded") throw new Error(`demo PSA sync failed: ${psaRun.error}`);

    // Modules are added and switched on as an admin would (PATCH /modules/{key}): each added in
    // turn, so the columns keep the demo's order, then its connector and billing in one step.
    const modules = new ModuleService(this.ctx, config);
    for (const module of data.modules) {
      const path = join(dir, `${module.key}.json`);
      writeFileSync(
        path,
        JSON.stringify(
          module.records.map((r) => ({
            externalId: r.externalId,
            name: r.name,
            parentExternalId: r.parentExternalId,
            ...r.attributes,
          })),
        ),
      );
      if (!(await repositories(this.ctx.db).modules.findByKey(module.key))) {
        await modules.create(actor, { key: module.key, name: module.name });
      }
      await modules.update(actor, module.key, {
        connector: { kind: "file", settings: { path } },
        billingEnabled: true,
      });
      const run = await sync.syncModule(module.key, "demo");
      if (run.outcome !== "succeeded") throw new Error(`demo sync of ${module.key} failed: ${run.error}`);
    }

    const changes = await this.applyMappings(actor, data);
    await this.loadUsage(actor, billing, dir, sync, modules);
    return {
      organizations: data.organizations.length,
      modules: data.modules.length,
      moduleOrganizations: data.modules.reduce((n, m) => n + m.records.length, 0),
      changes,
    };
  }

  /**
   * Service mappings, then each module's usage through its nightly sync (after the mappings, so the
   * usage is read while they are in force: rule 12). Passly's next read then fails (its file is
   * broken for that one run, then restored): its sources show as stale until the next sync.
   */
  private async loadUsage(
    actor: Actor,
    billing: DemoBilling,
    dir: string,
    sync: SyncService,
    modules: ModuleService,
  ): Promise<void> {
    const serviceMappings = new ServiceMappingService(this.ctx);
    for (const entry of DEMO_BILLING) {
      if (entry.serviceId === null) continue;
      const key = billingTypeKey(entry.label) ?? entry.billingType;
      await serviceMappings.set(actor, entry.moduleKey, key, {
        psaServiceId: entry.serviceId,
        policy: entry.policy,
      });
    }
    for (const [moduleKey, rows] of billing.usage) {
      const module = await repositories(this.ctx.db).modules.findByKey(moduleKey);
      if (!module) continue;
      const usagePath = join(dir, `${moduleKey}-usage.csv`);
      writeFileSync(usagePath, usageCsv(rows));
      const settings = { ...(module.connector_settings as Record<string, unknown>), usagePath };
      await modules.update(actor, moduleKey, { connector: { kind: "file", settings } });
      const run = await sync.syncModule(moduleKey, "demo");
      if (run.outcome !== "succeeded")
        throw new Error(`demo usage sync of ${moduleKey} failed: ${run.error}`);
      if (moduleKey === DEMO_FAILING_USAGE) {
        writeFileSync(usagePath, "externalId,billingType,quantity\nbroken");
        await sync.syncModule(moduleKey, "demo");
        writeFileSync(usagePath, usageCsv(rows));
      }
    }
  }

  private async applyMappings(actor: Actor, data: DemoData): Promise<number> {
    return inUnitOfWork(this.ctx, actor, async ({ repos, step }) => {
      const byPsaId = new Map(
        (await repos.organizations.findByPsaIds(data.mappings.map((m) => m.psaId))).map((o) => [o.psa_id, o]),
      );
      for (const module of data.modules) {
        const wanted = data.mappings.filter((m) => m.moduleKey === module.key);
        const rows = await repos.moduleOrganizations.findByExternalIds(
          module.key,
          wanted.map((m) => m.externalId),
        );
        const writable = await lockWritable(
          repos,
          rows.map((r) => r.id),
          { field: () => "moduleOrganizationId" },
        );
        const byExternalId = new Map(writable.map((r) => [r.external_id, r]));
        for (const m of wanted) {
          const row = byExternalId.get(m.externalId);
          const target = byPsaId.get(m.psaId);
          if (row && target)
            await applyMapping(
              repos,
              step,
              row,
              requireChecked(checkMappableTarget(target, target.id)),
              "import",
            );
        }
      }
      return step.size;
    });
  }
}
