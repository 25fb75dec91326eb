import { describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../test/support/factories.ts";
import { useTestApp } from "../../test/support/test-app.ts";
import { cliActor } from "../domain/actor.ts";

/** Undo replays a step through the write path's rules as they are today (rules 1, 2 and 9). */
describe("undo refuses a replay that would break a rule today", () => {
  const t = useTestApp();

  async function lastStep(entityType: string) {
    const row = await t.ctx.db
      .selectFrom("audit_events")
      .select("step_id")
      .where("entity_type", "=", entityType)
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    return row.step_id;
  }

  async function undo(stepId: string) {
    const editor = await t.loginAs("editor");
    return t.request(editor, { method: "POST", url: `/api/v1/audit-events/steps/${stepId}/undo` });
  }

  it("a step in a module whose billing is now off: 409 naming the module; nothing changes", async () => {
    const module = await buildModule(t.ctx.db, { key: "rmm", name: "Datto RMM" });
    const mo = await buildModuleOrganization(t.ctx.db, module.key);
    const organization = await buildOrganization(t.ctx.db, { name: "Acme" });
    await t.services.mapping.map(cliActor, mo.id, organization.id);
    await t.services.mapping.unmap(cliActor, mo.id);
    const step = await lastStep("mapping");
    await t.services.modules.setBillingEnabled(cliActor, "rmm", false);
    const res = await undo(step);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: "module_not_ready", moduleName: "Datto RMM" });
    expect(res.json().detail).toMatch(/^cannot undo: module Datto RMM is disabled/);
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toEqual([]);
  });

  it("a step whose target is now Dead: 422 naming the organization and its type; nothing changes", async () => {
    const module = await buildModule(t.ctx.db);
    const mo = await buildModuleOrganization(t.ctx.db, module.key);
    const organization = await buildOrganization(t.ctx.db, { psaId: "42", name: "Acme" });
    await t.services.mapping.map(cliActor, mo.id, organization.id);
    await t.services.mapping.unmap(cliActor, mo.id);
    const step = await lastStep("mapping");
    await buildOrganization(t.ctx.db, { psaId: "42", name: "Acme", type: "Dead" });
    const res = await undo(step);
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: "unmappable_target",
      organizationName: "Acme",
      organizationType: "Dead",
    });
    expect(res.json().detail).toBe("cannot undo: Acme is a Dead organization and cannot be a mapping target");
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toEqual([]);
  });

  it("an ignore of an organization now Cancelation: 422 naming it; an undo of settings still works", async () => {
    const module = await buildModule(t.ctx.db);
    const organization = await buildOrganization(t.ctx.db, { psaId: "7", name: "Gone Co" });
    await t.services.mapping.setCell(cliActor, {
      organizationId: organization.id,
      moduleKey: module.key,
      moduleOrganizationId: null,
      ignore: true,
    });
    const step = await lastStep("ignore");
    await buildOrganization(t.ctx.db, { psaId: "7", name: "Gone Co", type: "Cancelation" });
    const res = await undo(step);
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toContain("Gone Co is a Cancelation organization");
    await t.services.settings.update(cliActor, { organizationTerm: "Client" });
    const settingsUndo = await undo(await lastStep("settings"));
    expect(settingsUndo.statusCode).toBe(200);
    expect((await t.services.settings.get()).organizationTerm).toBe("Organization");
  });
});
