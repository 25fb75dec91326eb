import { describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../test/support/factories.ts";
import { type TestContext, useTestContext } from "../../test/support/test-context.ts";
import { repositories } from "../db/repositories.ts";
import type { ModuleOrganizationRow, ModuleRow, OrganizationRow } from "../db/schema.ts";
import { cliActor } from "../domain/actor.ts";
import { AppError } from "../domain/errors.ts";
import { ImportExportService } from "./import-export.service.ts";
import { createServices, type Services } from "./index.ts";

/**
 * The rule matrix (issue 8, item 9): every way of writing a mapping × product rules 1, 2, 3 and 7.
 * Each path maps one module organization to one target its own way; the rules must hold on all of
 * them. Removing any guard of the write path makes a row of this file fail.
 */

interface Fixture {
  ctx: TestContext;
  services: Services;
  module: ModuleRow;
  moduleOrganization: ModuleOrganizationRow;
}

/** What a path answered, said the same way for every path. */
type Outcome =
  | { ok: true; movedFromName: string | null | undefined }
  | { ok: false; code: string; status: number | undefined; message: string };

/**
 * A write path: `prepare` does what the path needs before the write (undo records the step it will
 * undo), then returns the write itself. Rules are broken between the two, so undo meets them too.
 */
interface WritePath {
  name: string;
  prepare(f: Fixture, target: OrganizationRow): Promise<() => Promise<Outcome>>;
}

async function outcomeOf(
  write: () => Promise<{ movedFromName?: string | null | undefined }>,
): Promise<Outcome> {
  try {
    const { movedFromName } = await write();
    return { ok: true, movedFromName };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { ok: false, code: error.code, status: error.status, message: error.message };
  }
}

const paths: WritePath[] = [
  {
    name: "grid cell",
    prepare: async (f, target) => () =>
      outcomeOf(async () => {
        const { movedFrom } = await f.services.mapping.setCell(cliActor, {
          organizationId: target.id,
          moduleKey: f.module.key,
          moduleOrganizationId: f.moduleOrganization.id,
        });
        return { movedFromName: movedFrom?.organizationName ?? null };
      }),
  },
  {
    name: "tab 2 row",
    prepare: async (f, target) => () =>
      outcomeOf(async () => {
        const { movedFrom } = await f.services.mapping.map(cliActor, f.moduleOrganization.id, target.id);
        return { movedFromName: movedFrom?.organizationName ?? null };
      }),
  },
  {
    name: "bulk",
    prepare: async (f, target) => () =>
      outcomeOf(async () => {
        await f.services.mapping.bulkMap(cliActor, [f.moduleOrganization.id], target.id);
        return {};
      }),
  },
  {
    name: "organization page",
    prepare: async (f, target) => () =>
      outcomeOf(async () => {
        await f.services.mapping.putOrganizationMappings(cliActor, target.id, [
          { moduleKey: f.module.key, moduleOrganizationId: f.moduleOrganization.id, ignore: false },
        ]);
        return {};
      }),
  },
  {
    name: "suggestion accept",
    prepare: async (f, target) => () =>
      outcomeOf(async () => {
        await f.services.suggestions.accept(cliActor, {
          items: [{ moduleOrganizationId: f.moduleOrganization.id, organizationId: target.id }],
        });
        return {};
      }),
  },
  {
    name: "import",
    prepare: async (f, target) => async () => {
      const csv = `moduleKey,moduleExternalId,organizationPsaId\n${f.module.key},${f.moduleOrganization.external_id},${target.psa_id}\n`;
      const result = await new ImportExportService(f.ctx).importCsv(cliActor, csv, { apply: true });
      const [line] = result.report;
      if (!result.applied)
        return { ok: false, code: "import_error", status: undefined, message: line?.message ?? "" };
      const moved = line?.message.match(/^move from (.*) to /);
      return { ok: true, movedFromName: moved ? moved[1] : null };
    },
  },
  {
    name: "undo",
    // Map to the target, then move (or unmap) it away in a step: undoing that step maps it back.
    prepare: async (f, target) => {
      const repos = repositories(f.ctx.db);
      const was = await repos.mappings.findMapping(f.moduleOrganization.id);
      await f.services.mapping.map(cliActor, f.moduleOrganization.id, target.id);
      const away = was
        ? await f.services.mapping.map(cliActor, f.moduleOrganization.id, was.organization_id)
        : await f.services.mapping.unmap(cliActor, f.moduleOrganization.id);
      void away;
      const [last] = await f.ctx.db
        .selectFrom("audit_events")
        .select("step_id")
        .orderBy("id", "desc")
        .limit(1)
        .execute();
      // Anything the test does between prepare and the undo (an ignore) is its own step.
      return () =>
        outcomeOf(async () => {
          await f.services.audit.undo(cliActor, last!.step_id);
          return {};
        });
    },
  },
];

describe("rule matrix: every write path keeps rules 1, 2, 3 and 7", () => {
  const t = useTestContext();

  async function fixture(): Promise<Fixture> {
    const module = await buildModule(t.ctx.db, { name: "Datto RMM" });
    const moduleOrganization = await buildModuleOrganization(t.ctx.db, module.key, { name: "Acme site" });
    return { ctx: t.ctx, services: createServices(t.ctx), module, moduleOrganization };
  }

  async function mappingOf(id: string) {
    return t.ctx.db.selectFrom("mappings").selectAll().where("module_organization_id", "=", id).execute();
  }

  async function lastMappingEvent(id: string) {
    return t.ctx.db
      .selectFrom("audit_events")
      .selectAll()
      .where("entity_type", "=", "mapping")
      .where("entity_id", "=", id)
      .orderBy("id", "desc")
      .executeTakeFirst();
  }

  for (const path of paths) {
    describe(path.name, () => {
      it("rule 1: refuses a module that is not ready, naming it, and changes nothing", async () => {
        const f = await fixture();
        const target = await buildOrganization(t.ctx.db, { name: "Acme Corp" });
        const write = await path.prepare(f, target);
        const before = await mappingOf(f.moduleOrganization.id);
        await repositories(t.ctx.db).modules.update(f.module.key, { billing_enabled: false });
        const outcome = await write();
        expect(outcome.ok).toBe(false);
        if (outcome.ok) return;
        expect(outcome.message).toContain("Datto RMM");
        if (outcome.code !== "import_error") {
          expect(outcome.code).toBe("module_not_ready");
          expect(outcome.status).toBe(409);
        }
        expect(await mappingOf(f.moduleOrganization.id)).toEqual(before);
      });

      it("rule 2: refuses a Dead or Cancelation target, naming it and its type, and changes nothing", async () => {
        for (const type of ["Dead", "Cancelation"] as const) {
          await t.ctx.reset();
          const f = await fixture();
          const target = await buildOrganization(t.ctx.db, { name: `Gone ${type} LLC` });
          const write = await path.prepare(f, target);
          const before = await mappingOf(f.moduleOrganization.id);
          await t.ctx.db.updateTable("organizations").set({ type }).where("id", "=", target.id).execute();
          const outcome = await write();
          expect(outcome.ok, `${type} target`).toBe(false);
          if (outcome.ok) return;
          expect(outcome.message).toContain(`Gone ${type} LLC`);
          expect(outcome.message).toContain(type);
          if (outcome.code !== "import_error") {
            expect(outcome.code).toBe("unmappable_target");
            expect(outcome.status).toBe(422);
          }
          expect(await mappingOf(f.moduleOrganization.id)).toEqual(before);
        }
      });

      it("rule 3: mapping a mapped module organization moves it (one target) and says where it was", async () => {
        const f = await fixture();
        const alpha = await buildOrganization(t.ctx.db, { name: "Alpha" });
        const beta = await buildOrganization(t.ctx.db, { name: "Beta" });
        await f.services.mapping.map(cliActor, f.moduleOrganization.id, alpha.id);
        const write = await path.prepare(f, beta);
        const outcome = await write();
        expect(outcome).toMatchObject({ ok: true });
        if (outcome.ok && outcome.movedFromName !== undefined) expect(outcome.movedFromName).toBe("Alpha");
        expect(await mappingOf(f.moduleOrganization.id)).toEqual([
          expect.objectContaining({ organization_id: beta.id }),
        ]);
        const event = await lastMappingEvent(f.moduleOrganization.id);
        expect(event).toMatchObject({
          action: "mapping.moved",
          before: { organizationId: alpha.id, organizationName: "Alpha" },
          after: { organizationId: beta.id, organizationName: "Beta" },
        });
        expect(event?.summary).toContain("(was Alpha)");
      });

      it("rule 7: a mapping clears the pair's ignore; the pair leaves the worklist and hideMapped hides it", async () => {
        const f = await fixture();
        const target = await buildOrganization(t.ctx.db, { name: "Acme Corp" });
        const write = await path.prepare(f, target);
        await f.services.mapping.setCell(cliActor, {
          organizationId: target.id,
          moduleKey: f.module.key,
          moduleOrganizationId: null,
          ignore: true,
        });
        expect(await repositories(t.ctx.db).mappings.isIgnored(target.id, f.module.key)).toBe(true);
        expect(await write()).toMatchObject({ ok: true });
        expect(await repositories(t.ctx.db).mappings.isIgnored(target.id, f.module.key)).toBe(false);
        const grid = await f.services.grid.page(null, {}, { limit: 10 });
        expect(grid.items[0]?.cells[f.module.key]?.state).toBe("mapped");
        const hidden = await f.services.grid.page(null, { hideMapped: true }, { limit: 10 });
        expect(hidden.items).toHaveLength(0);
        expect(hidden.total).toBe(0);
        const worklists = await f.services.modules.worklists({ allTypes: false });
        expect(worklists.modules).toEqual([
          expect.objectContaining({ moduleKey: f.module.key, organizationsWithoutMapping: 0 }),
        ]);
      });
    });
  }

  it("rule 7: an ignored pair leaves the worklist and counts as done for hideMapped; an open pair stays", async () => {
    const f = await fixture();
    const ignored = await buildOrganization(t.ctx.db, { name: "Ignored Inc" });
    const open = await buildOrganization(t.ctx.db, { name: "Open Inc" });
    const other = await buildOrganization(t.ctx.db, { name: "Other Inc", type: "Prospect" });
    for (const organization of [ignored, other]) {
      await f.services.mapping.setCell(cliActor, {
        organizationId: organization.id,
        moduleKey: f.module.key,
        moduleOrganizationId: null,
        ignore: true,
      });
    }
    const customers = await f.services.modules.worklists({ allTypes: false });
    expect(customers.modules[0]?.organizationsWithoutMapping).toBe(1);
    const everyType = await f.services.modules.worklists({ allTypes: true });
    expect(everyType.modules[0]?.organizationsWithoutMapping).toBe(1);
    const grid = await f.services.grid.page(null, { hideMapped: true }, { limit: 10 });
    expect(grid.items.map((i) => i.organization.name)).toEqual(["Open Inc"]);
    expect(grid.total).toBe(1);
    expect(open.id).toBe(grid.items[0]?.organization.id);
  });
});
