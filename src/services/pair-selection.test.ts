import { describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../test/support/factories.ts";
import { useTestContext } from "../../test/support/test-context.ts";
import { cliActor } from "../domain/actor.ts";
import { AppError } from "../domain/errors.ts";
import { createServices } from "./index.ts";

/**
 * One rule for a pair's selection, shared by the grid cell and the organization page: a pair
 * holding several module organizations keeps them until they are changed one by one in tab 2.
 */
describe("pair selection (grid cell and organization page alike)", () => {
  const t = useTestContext();
  const services = () => createServices(t.ctx);

  async function severalAtOnePair() {
    const module = await buildModule(t.ctx.db, { name: "IT Glue" });
    const organization = await buildOrganization(t.ctx.db, { name: "Acme" });
    const a = await buildModuleOrganization(t.ctx.db, module.key, { name: "A" });
    const b = await buildModuleOrganization(t.ctx.db, module.key, { name: "B" });
    const c = await buildModuleOrganization(t.ctx.db, module.key, { name: "C" });
    await services().mapping.bulkMap(cliActor, [a.id, b.id], organization.id);
    return { module, organization, a, b, c };
  }

  async function refusal(promise: Promise<unknown>) {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }

  async function mappedIds(organizationId: string) {
    const rows = await t.ctx.db
      .selectFrom("mappings")
      .select("module_organization_id")
      .where("organization_id", "=", organizationId)
      .execute();
    return rows.map((r) => r.module_organization_id).sort();
  }

  it("a selection that names one of the pair's module organizations changes nothing, on either path", async () => {
    const { module, organization, a, b } = await severalAtOnePair();
    const line = await services().mapping.getOrganizationMappings(organization.id);
    const version = line.modules[0]!.version;
    const page = await services().mapping.putOrganizationMappings(cliActor, organization.id, [
      {
        moduleKey: module.key,
        moduleOrganizationId: line.modules[0]!.moduleOrganizationId,
        ignore: false,
        version,
      },
    ]);
    expect(page.modules[0]?.version).toBe(version);
    const cell = await services().mapping.setCell(cliActor, {
      organizationId: organization.id,
      moduleKey: module.key,
      moduleOrganizationId: b.id,
      version,
    });
    expect(cell.cell).toMatchObject({ state: "multiple", version });
    expect(await mappedIds(organization.id)).toEqual([a.id, b.id].sort());
  });

  it("any other selection is refused with 409 on either path, and the pair keeps every mapping", async () => {
    const { module, organization, a, b, c } = await severalAtOnePair();
    for (const selection of [
      { moduleOrganizationId: c.id, ignore: false },
      { moduleOrganizationId: null, ignore: false },
      { moduleOrganizationId: null, ignore: true },
    ]) {
      const onPage = await refusal(
        services().mapping.putOrganizationMappings(cliActor, organization.id, [
          { moduleKey: module.key, ...selection },
        ]),
      );
      expect(onPage).toMatchObject({
        code: "cell_has_multiple",
        status: 409,
        field: "modules.0.moduleOrganizationId",
      });
      expect(onPage.message).toContain("2 module organizations are mapped to Acme in IT Glue");
      const inCell = await refusal(
        services().mapping.setCell(cliActor, {
          organizationId: organization.id,
          moduleKey: module.key,
          ...selection,
        }),
      );
      expect(inCell).toMatchObject({ code: "cell_has_multiple", status: 409, field: "moduleOrganizationId" });
    }
    expect(await mappedIds(organization.id)).toEqual([a.id, b.id].sort());
  });

  it("a stale version is refused on either path, naming the field of the line", async () => {
    const module = await buildModule(t.ctx.db, { name: "IT Glue" });
    const organization = await buildOrganization(t.ctx.db, { name: "Acme" });
    const mo = await buildModuleOrganization(t.ctx.db, module.key);
    const { cell } = await services().mapping.setCell(cliActor, {
      organizationId: organization.id,
      moduleKey: module.key,
      moduleOrganizationId: null,
      ignore: true,
    });
    await services().mapping.map(cliActor, mo.id, organization.id);
    const stale = { moduleKey: module.key, moduleOrganizationId: null, ignore: false, version: cell.version };
    const onPage = await refusal(
      services().mapping.putOrganizationMappings(cliActor, organization.id, [stale]),
    );
    expect(onPage).toMatchObject({ code: "version_conflict", status: 409, field: "modules.0.version" });
    const inCell = await refusal(
      services().mapping.setCell(cliActor, { organizationId: organization.id, ...stale }),
    );
    expect(inCell).toMatchObject({ code: "version_conflict", status: 409 });
    expect(await mappedIds(organization.id)).toEqual([mo.id]);
  });
});
