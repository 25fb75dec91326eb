import type { AppContext } from "../../context.ts";
import { repositories } from "../../db/repositories.ts";
import type { Actor } from "../../domain/actor.ts";
import { AuditStep } from "../audit-step.ts";
import { applyMapping } from "../mapping-rules.ts";
import { DEMO_MODULES, type DemoData, generateDemoData } from "./demo-data.ts";

/** Loads the demo instance. Refuses to run on an instance that has organizations already. */
export class DemoService {
  constructor(private readonly ctx: AppContext) {}

  async isEmpty(): Promise<boolean> {
    const row = await this.ctx.db
      .selectFrom("organizations")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n) === 0;
  }

  async load(actor: Actor, data: DemoData = generateDemoData()) {
    return this.ctx.db.transaction().execute(async (tx) => {
      const repos = repositories(tx);
      const at = this.ctx.clock.now();
      for (let i = 0; i < data.organizations.length; i += 500) {
        await repos.organizations.upsertMany(data.organizations.slice(i, i + 500), at);
      }
      await repos.organizations.recomputeTreeSort();
      for (const module of data.modules) {
        if (!(await repos.modules.findByKey(module.key))) {
          await repos.modules.insert({
            key: module.key,
            name: module.name,
            createdAt: new Date(at.getTime() + DEMO_MODULES.findIndex((m) => m.key === module.key)),
          });
        }
        await repos.modules.update(module.key, {
          billing_enabled: true,
          billing_changed_at: at,
          first_successful_sync_at: at,
        });
        for (let i = 0; i < module.records.length; i += 500) {
          await repos.moduleOrganizations.upsertMany(module.key, module.records.slice(i, i + 500), at);
        }
        await repos.moduleOrganizations.recomputeTreeSort(module.key);
      }
      const step = new AuditStep(actor, at);
      const byPsaId = new Map(
        (await repos.organizations.findByPsaIds(data.mappings.map((m) => m.psaId))).map((o) => [o.psa_id, o]),
      );
      for (const module of data.modules) {
        const wanted = data.mappings.filter((m) => m.moduleKey === module.key);
        const rows = await repos.moduleOrganizations.findByExternalIds(
          module.key,
          wanted.map((m) => m.externalId),
        );
        const byExternalId = new Map(rows.map((r) => [r.external_id, r]));
        for (const m of wanted) {
          const row = byExternalId.get(m.externalId);
          const target = byPsaId.get(m.psaId);
          if (row && target) await applyMapping(repos, step, row, target, "import");
        }
      }
      const changes = step.size;
      await step.flush(repos.audit);
      return {
        organizations: data.organizations.length,
        modules: data.modules.length,
        moduleOrganizations: data.modules.reduce((n, m) => n + m.records.length, 0),
        changes,
      };
    });
  }
}
