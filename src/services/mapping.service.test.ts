import { describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../test/support/factories.ts";
import { useTestContext } from "../../test/support/test-context.ts";
import { cliActor } from "../domain/actor.ts";
import { AppError } from "../domain/errors.ts";
import { createServices } from "./index.ts";

describe("mapping rules", () => {
  const t = useTestContext();
  const services = () => createServices(t.ctx);

  async function expectAppError(promise: Promise<unknown>, code: string) {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(code);
    return error as AppError;
  }

  it("rule 2: refuses a Dead or Cancelation target, naming the organization and its type", async () => {
    const module = await buildModule(t.ctx.db);
    const mo = await buildModuleOrganization(t.ctx.db, module.key);
    for (const type of ["Dead", "Cancelation"] as const) {
      const org = await buildOrganization(t.ctx.db, { name: `Gone ${type} LLC`, type });
      const error = await expectAppError(
        services().mapping.map(cliActor, mo.id, org.id),
        "unmappable_target",
      );
      expect(error.status).toBe(422);
      expect(error.message).toContain(`Gone ${type} LLC`);
      expect(error.message).toContain(type);
      expect(error.field).toBe("organizationId");
    }
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toHaveLength(0);
  });

  it("rule 2: a mapping whose target became Dead is kept and flagged as needing attention", async () => {
    const module = await buildModule(t.ctx.db);
    const mo = await buildModuleOrganization(t.ctx.db, module.key);
    const org = await buildOrganization(t.ctx.db, { psaId: "77", name: "Acme" });
    await services().mapping.map(cliActor, mo.id, org.id);
    await buildOrganization(t.ctx.db, { psaId: "77", name: "Acme", type: "Dead" });
    const listed = await services().moduleOrganizations.list({ needsAttention: true }, { limit: 10 });
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]?.mapping).toMatchObject({
      organizationId: org.id,
      organizationType: "Dead",
      needsAttention: true,
    });
  });

  it("rule 3: mapping an already mapped module organization moves it and says where it was", async () => {
    const module = await buildModule(t.ctx.db);
    const mo = await buildModuleOrganization(t.ctx.db, module.key);
    const a = await buildOrganization(t.ctx.db, { name: "Alpha" });
    const b = await buildOrganization(t.ctx.db, { name: "Beta" });
    const first = await services().mapping.map(cliActor, mo.id, a.id);
    expect(first.movedFrom).toBeNull();
    const second = await services().mapping.map(cliActor, mo.id, b.id);
    expect(second.movedFrom).toEqual({ organizationId: a.id, organizationName: "Alpha" });
    const rows = await t.ctx.db.selectFrom("mappings").selectAll().execute();
    expect(rows).toEqual([expect.objectContaining({ module_organization_id: mo.id, organization_id: b.id })]);
  });

  it("rule 4: choosing a module organization in a cell unmaps the one the cell held; none unmaps", async () => {
    const module = await buildModule(t.ctx.db);
    const org = await buildOrganization(t.ctx.db);
    const first = await buildModuleOrganization(t.ctx.db, module.key, { name: "First" });
    const second = await buildModuleOrganization(t.ctx.db, module.key, { name: "Second" });
    let result = await services().mapping.setCell(cliActor, {
      organizationId: org.id,
      moduleKey: module.key,
      moduleOrganizationId: first.id,
    });
    expect(result.cell).toMatchObject({
      state: "mapped",
      moduleOrganizations: [{ id: first.id, name: "First" }],
    });
    result = await services().mapping.setCell(cliActor, {
      organizationId: org.id,
      moduleKey: module.key,
      moduleOrganizationId: second.id,
    });
    expect(result.cell.moduleOrganizations).toEqual([{ id: second.id, name: "Second" }]);
    expect(
      await t.ctx.db
        .selectFrom("mappings")
        .where("module_organization_id", "=", first.id)
        .selectAll()
        .execute(),
    ).toHaveLength(0);
    result = await services().mapping.setCell(cliActor, {
      organizationId: org.id,
      moduleKey: module.key,
      moduleOrganizationId: null,
    });
    expect(result.cell.state).toBe("empty");
  });

  it("rule 4: a cell with several module organizations shows the count and refuses cell edits", async () => {
    const module = await buildModule(t.ctx.db);
    const org = await buildOrganization(t.ctx.db);
    const a = await buildModuleOrganization(t.ctx.db, module.key);
    const b = await buildModuleOrganization(t.ctx.db, module.key);
    await services().mapping.bulkMap(cliActor, [a.id, b.id], org.id);
    const grid = await services().grid.page(null, {}, { limit: 10 });
    expect(grid.items[0]?.cells[module.key]?.state).toBe("multiple");
    expect(grid.items[0]?.cells[module.key]?.moduleOrganizations).toHaveLength(2);
    await expectAppError(
      services().mapping.setCell(cliActor, {
        organizationId: org.id,
        moduleKey: module.key,
        moduleOrganizationId: null,
      }),
      "cell_has_multiple",
    );
  });

  it("rule 4: the grid has one row per mappable organization, sub-organizations under their parent", async () => {
    await buildModule(t.ctx.db, { key: "a" });
    await buildModule(t.ctx.db, { key: "b", state: "awaiting_first_sync" });
    await buildOrganization(t.ctx.db, { psaId: "1", name: "Zeta Parent" });
    await buildOrganization(t.ctx.db, { psaId: "2", name: "Alpha Child", parentPsaId: "1" });
    await buildOrganization(t.ctx.db, { psaId: "3", name: "Mid" });
    await buildOrganization(t.ctx.db, { psaId: "4", name: "Dead One", type: "Dead" });
    const grid = await services().grid.page(null, {}, { limit: 10 });
    expect(grid.columns.map((c) => c.moduleKey)).toEqual(["a"]);
    expect(grid.items.map((i) => [i.organization.name, i.organization.depth])).toEqual([
      ["Mid", 0],
      ["Zeta Parent", 0],
      ["Alpha Child", 1],
    ]);
    expect(grid.total).toBe(3);
  });

  it("rule 4: a grid page can start at any row (offset) as well as after a cursor", async () => {
    await buildModule(t.ctx.db);
    for (const name of ["A", "B", "C", "D", "E"]) await buildOrganization(t.ctx.db, { name });
    const first = await services().grid.page(null, {}, { limit: 2 });
    const second = await services().grid.page(null, {}, { limit: 2, cursor: first.nextCursor ?? undefined });
    const jumped = await services().grid.page(null, {}, { limit: 2, offset: 2 });
    expect(second.items.map((i) => i.organization.name)).toEqual(["C", "D"]);
    expect(jumped.items.map((i) => i.organization.name)).toEqual(["C", "D"]);
    expect(jumped.nextCursor).not.toBeNull();
  });

  it("rule 4: the column order is per user with an instance default; a new module's column is appended; no column can be hidden", async () => {
    await buildModule(t.ctx.db, { key: "a" });
    await buildModule(t.ctx.db, { key: "b" });
    const settings = services().settings;
    expect(await settings.columnOrder(null)).toEqual(["a", "b"]);
    await settings.setColumnOrder(null, ["b", "a"], { asInstanceDefault: true });
    expect(await settings.columnOrder(null)).toEqual(["b", "a"]);
    await expectAppError(settings.setColumnOrder(null, ["b"], { asInstanceDefault: true }), "invalid_value");
    await buildModule(t.ctx.db, { key: "c" });
    expect(await settings.columnOrder(null)).toEqual(["b", "a", "c"]);
  });

  it("rule 6: the organization page saves every line in one transaction (a bad line changes nothing)", async () => {
    const m1 = await buildModule(t.ctx.db, { key: "m1" });
    const m2 = await buildModule(t.ctx.db, { key: "m2" });
    const org = await buildOrganization(t.ctx.db, { name: "Acme" });
    const mo1 = await buildModuleOrganization(t.ctx.db, m1.key);
    const mo2 = await buildModuleOrganization(t.ctx.db, m2.key);
    await expectAppError(
      services().mapping.putOrganizationMappings(cliActor, org.id, [
        { moduleKey: m1.key, moduleOrganizationId: mo1.id, ignore: false },
        { moduleKey: m2.key, moduleOrganizationId: "00000000-0000-0000-0000-000000000001", ignore: false },
      ]),
      "not_found",
    );
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toHaveLength(0);
    const page = await services().mapping.putOrganizationMappings(cliActor, org.id, [
      { moduleKey: m1.key, moduleOrganizationId: mo1.id, ignore: false },
      { moduleKey: m2.key, moduleOrganizationId: null, ignore: true },
    ]);
    expect(page.modules).toEqual([
      expect.objectContaining({ moduleKey: "m1", moduleOrganizationId: mo1.id, isIgnored: false }),
      expect.objectContaining({ moduleKey: "m2", moduleOrganizationId: null, isIgnored: true }),
    ]);
    void mo2;
  });

  it("ignore: setting a mapping for the pair clears it", async () => {
    const module = await buildModule(t.ctx.db);
    const org = await buildOrganization(t.ctx.db);
    const mo = await buildModuleOrganization(t.ctx.db, module.key);
    await services().mapping.setCell(cliActor, {
      organizationId: org.id,
      moduleKey: module.key,
      moduleOrganizationId: null,
      ignore: true,
    });
    let grid = await services().grid.page(null, {}, { limit: 10 });
    expect(grid.items[0]?.cells[module.key]?.state).toBe("ignored");
    await services().mapping.map(cliActor, mo.id, org.id);
    grid = await services().grid.page(null, {}, { limit: 10 });
    expect(grid.items[0]?.cells[module.key]?.state).toBe("mapped");
    expect(await t.ctx.db.selectFrom("ignores").selectAll().execute()).toHaveLength(0);
  });

  it("rule 7: worklists count unmapped module organizations and active customers with neither mapping nor ignore", async () => {
    const module = await buildModule(t.ctx.db, { key: "m" });
    const customer = await buildOrganization(t.ctx.db, { type: "Customer" });
    await buildOrganization(t.ctx.db, { type: "Customer" });
    await buildOrganization(t.ctx.db, { type: "Customer", isActive: false });
    await buildOrganization(t.ctx.db, { type: "Lead" });
    await buildOrganization(t.ctx.db, { type: "Dead" });
    const mapped = await buildModuleOrganization(t.ctx.db, module.key);
    const excluded = await buildModuleOrganization(t.ctx.db, module.key);
    await buildModuleOrganization(t.ctx.db, module.key);
    let lists = await services().modules.worklists({ allTypes: false });
    expect(lists.modules).toEqual([
      expect.objectContaining({
        moduleKey: "m",
        unmappedModuleOrganizations: 3,
        organizationsWithoutMapping: 2,
      }),
    ]);
    await services().mapping.map(cliActor, mapped.id, customer.id);
    await services().mapping.setExcluded(cliActor, excluded.id, true);
    lists = await services().modules.worklists({ allTypes: false });
    expect(lists.modules[0]).toMatchObject({
      unmappedModuleOrganizations: 1,
      organizationsWithoutMapping: 1,
    });
    lists = await services().modules.worklists({ allTypes: true });
    expect(lists.modules[0]).toMatchObject({ organizationsWithoutMapping: 3 });
  });

  it("pickers list unmapped module organizations first, each part in tree order, across pages", async () => {
    const module = await buildModule(t.ctx.db, { key: "m" });
    const org = await buildOrganization(t.ctx.db);
    const names = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"];
    const rows = [];
    for (const name of names) rows.push(await buildModuleOrganization(t.ctx.db, module.key, { name }));
    await services().mapping.bulkMap(cliActor, [rows[0]!.id, rows[3]!.id], org.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await services().moduleOrganizations.list(
        { moduleKey: "m" },
        { limit: 2, cursor, orderBy: "unmappedFirst" },
      );
      seen.push(...page.items.map((i) => i.name));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(["Bravo", "Charlie", "Echo", "Alpha", "Delta"]);
    const jumped = await services().moduleOrganizations.list(
      { moduleKey: "m" },
      { limit: 2, offset: 3, withTotal: true },
    );
    expect(jumped.items.map((i) => i.name)).toEqual(["Delta", "Echo"]);
    expect(jumped.total).toBe(5);
    const unmapped = await services().moduleOrganizations.list(
      { status: "unmapped" },
      { limit: 1, withTotal: true },
    );
    expect(unmapped.total).toBe(3);
  });

  it("rule 10: a change based on a stale version is refused with a conflict", async () => {
    const module = await buildModule(t.ctx.db);
    const mo = await buildModuleOrganization(t.ctx.db, module.key);
    const a = await buildOrganization(t.ctx.db);
    const b = await buildOrganization(t.ctx.db);
    const first = await services().mapping.map(cliActor, mo.id, a.id, { version: mo.version });
    expect(first.version).toBe(mo.version + 1);
    const error = await expectAppError(
      services().mapping.map(cliActor, mo.id, b.id, { version: mo.version }),
      "version_conflict",
    );
    expect(error.status).toBe(409);
    const mapping = await t.ctx.db.selectFrom("mappings").selectAll().executeTakeFirstOrThrow();
    expect(mapping.organization_id).toBe(a.id);
  });

  it("rule 1: modules not ready take no mappings; billing off hides the module and keeps its mappings", async () => {
    const module = await buildModule(t.ctx.db, { key: "m" });
    const mo = await buildModuleOrganization(t.ctx.db, module.key);
    const org = await buildOrganization(t.ctx.db);
    await services().mapping.map(cliActor, mo.id, org.id);
    await services().modules.setBillingEnabled(cliActor, "m", false);
    expect((await services().modules.get("m")).state).toBe("disabled");
    expect((await services().grid.page(null, {}, { limit: 10 })).columns).toEqual([]);
    expect((await services().moduleOrganizations.list({}, { limit: 10 })).items).toEqual([]);
    await expectAppError(services().mapping.unmap(cliActor, mo.id), "module_not_ready");
    await services().modules.setBillingEnabled(cliActor, "m", true);
    const listed = await services().moduleOrganizations.list({}, { limit: 10 });
    expect(listed.items[0]?.mapping?.organizationId).toBe(org.id);
  });

  it("rule 9: every change is recorded, and a step can be undone only while the state is what it left", async () => {
    const module = await buildModule(t.ctx.db);
    const mo = await buildModuleOrganization(t.ctx.db, module.key);
    const a = await buildOrganization(t.ctx.db, { name: "A" });
    const b = await buildOrganization(t.ctx.db, { name: "B" });
    await services().mapping.map(cliActor, mo.id, a.id);
    await services().mapping.map(cliActor, mo.id, b.id);
    const history = await services().audit.list(cliActor, {}, { limit: 10 });
    expect(history.items.map((e) => [e.action, e.actor, e.before, e.after])).toEqual([
      [
        "mapping.moved",
        "cli",
        { organizationId: a.id, organizationName: "A" },
        { organizationId: b.id, organizationName: "B" },
      ],
      ["mapping.created", "cli", null, { organizationId: a.id, organizationName: "A" }],
    ]);
    const [moveStep, createStep] = history.items;
    await expectAppError(services().audit.undo(cliActor, createStep!.stepId), "conflict");
    await services().audit.undo(cliActor, moveStep!.stepId);
    const mapping = await t.ctx.db.selectFrom("mappings").selectAll().executeTakeFirstOrThrow();
    expect(mapping.organization_id).toBe(a.id);
    await expectAppError(services().audit.undo(cliActor, moveStep!.stepId), "conflict");
  });
});
