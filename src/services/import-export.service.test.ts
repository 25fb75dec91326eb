import { describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../test/support/factories.ts";
import { useTestContext } from "../../test/support/test-context.ts";
import { cliActor } from "../domain/actor.ts";
import { escapeFormula, ImportExportService } from "./import-export.service.ts";
import { MappingService } from "./mapping.service.ts";

describe("import and export of mappings", () => {
  const t = useTestContext();

  it("escapes cells that a spreadsheet would run as formulas", () => {
    expect(escapeFormula('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(escapeFormula("+1")).toBe("'+1");
    expect(escapeFormula("-2")).toBe("'-2");
    expect(escapeFormula("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(escapeFormula("Acme, Inc.")).toBe("Acme, Inc.");
  });

  it("exports every mapping as CSV with escaped cells", async () => {
    const module = await buildModule(t.ctx.db, { key: "itglue" });
    const mo = await buildModuleOrganization(t.ctx.db, module.key, {
      externalId: "17",
      name: "=cmd|' /C calc'!A0",
    });
    const org = await buildOrganization(t.ctx.db, { psaId: "4711", name: "Acme, Inc." });
    await new MappingService(t.ctx).map(cliActor, mo.id, org.id);
    const csv = await new ImportExportService(t.ctx).exportCsv();
    expect(csv.split("\n")[0]).toBe(
      "moduleKey,moduleExternalId,moduleOrganizationName,organizationPsaId,organizationName",
    );
    expect(csv).toContain(`itglue,17,'=cmd|' /C calc'!A0,4711,"Acme, Inc."`);
  });

  it("dry-runs by default with a report per row and its line number, and changes nothing", async () => {
    const module = await buildModule(t.ctx.db, { key: "itglue" });
    await buildModuleOrganization(t.ctx.db, module.key, { externalId: "1", name: "One" });
    await buildOrganization(t.ctx.db, { psaId: "100", name: "Hundred" });
    await buildOrganization(t.ctx.db, { psaId: "666", name: "Gone", type: "Dead" });
    const csv = [
      "moduleKey,moduleExternalId,organizationPsaId",
      "itglue,1,100",
      "itglue,2,100",
      "nosuch,1,100",
      "itglue,1,999",
      "itglue,1,666",
    ].join("\n");
    const result = await new ImportExportService(t.ctx).importCsv(cliActor, csv, { apply: false });
    expect(result.applied).toBe(false);
    expect(result.report.map((r) => [r.line, r.action])).toEqual([
      [2, "map"],
      [3, "error"],
      [4, "error"],
      [5, "error"],
      [6, "error"],
    ]);
    expect(result.report[4]?.message).toContain("Dead");
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toHaveLength(0);
  });

  it("applies all or nothing", async () => {
    const module = await buildModule(t.ctx.db, { key: "itglue" });
    await buildModuleOrganization(t.ctx.db, module.key, { externalId: "1" });
    await buildModuleOrganization(t.ctx.db, module.key, { externalId: "2" });
    await buildOrganization(t.ctx.db, { psaId: "100" });
    const service = new ImportExportService(t.ctx);
    const refused = await service.importCsv(
      cliActor,
      "moduleKey,moduleExternalId,organizationPsaId\nitglue,1,100\nitglue,3,100\n",
      { apply: true },
    );
    expect(refused.applied).toBe(false);
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toHaveLength(0);
    const applied = await service.importCsv(
      cliActor,
      "\uFEFFmoduleKey,moduleExternalId,organizationPsaId\nitglue,1,100\nitglue,2,100\n",
      { apply: true },
    );
    expect(applied).toMatchObject({ applied: true, changes: 2, errors: 0 });
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toHaveLength(2);
    const again = await service.importCsv(
      cliActor,
      "moduleKey,moduleExternalId,organizationPsaId\nitglue,1,\n",
      { apply: true },
    );
    expect(again.report[0]?.action).toBe("unmap");
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toHaveLength(1);
  });

  it("names the line of a malformed file and a missing column", async () => {
    const service = new ImportExportService(t.ctx);
    await expect(
      service.importCsv(cliActor, 'moduleKey,moduleExternalId,organizationPsaId\n"itglue,1,100\n', {
        apply: false,
      }),
    ).rejects.toThrow(/line/);
    await expect(
      service.importCsv(cliActor, "moduleKey,organizationPsaId\nitglue,100\n", { apply: false }),
    ).rejects.toThrow(/moduleExternalId/);
  });
});
