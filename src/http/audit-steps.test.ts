import { describe, expect, it } from "vitest";
import { billingWorld, psaData } from "../../test/support/billing-world.ts";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../test/support/factories.ts";
import { useTestApp } from "../../test/support/test-app.ts";
import { cliActor } from "../domain/actor.ts";

/** Issue 13 point 1: the history lists steps with a title and a count, and offers Undo/Redo only where they can succeed. */
describe("GET /audit-steps", () => {
  const t = useTestApp();
  const w = billingWorld(t);

  async function steps(query = "") {
    const editor = await t.loginAs("editor");
    const res = await t.request(editor, { method: "GET", url: `/api/v1/audit-steps?limit=50${query}` });
    expect(res.statusCode).toBe(200);
    return res.json() as {
      items: {
        stepId: string;
        title: string | null;
        count: number;
        countLabel: string;
        canUndo: boolean;
        whyNoUndo: string | null;
        canRedo: boolean;
        undoneByStep: string | null;
        undoesStep: string | null;
      }[];
      actors: string[];
    };
  }

  async function undo(stepId: string) {
    const editor = await t.loginAs("editor");
    return t.request(editor, { method: "POST", url: `/api/v1/audit-events/steps/${stepId}/undo` });
  }

  it("a bulk step has its title and count; undo, then redo, then undo again", async () => {
    const module = await buildModule(t.ctx.db, { key: "rmm", name: "Datto RMM" });
    const organization = await buildOrganization(t.ctx.db, { name: "Acme" });
    const mos = await Promise.all([1, 2, 3].map(() => buildModuleOrganization(t.ctx.db, module.key)));
    const bulk = await t.services.mapping.bulkMap(
      cliActor,
      mos.map((m) => m.id),
      organization.id,
    );
    let [step] = (await steps()).items;
    expect(step).toMatchObject({
      stepId: bulk.stepId,
      title: "Map selected to Acme",
      count: 3,
      countLabel: "3 mappings",
      canUndo: true,
      canRedo: false,
    });

    expect((await undo(bulk.stepId)).statusCode).toBe(200);
    const afterUndo = (await steps()).items;
    expect(afterUndo[0]).toMatchObject({
      title: "Undo: Map selected to Acme",
      countLabel: "3 mappings",
      canUndo: true,
    });
    step = afterUndo.find((s) => s.stepId === bulk.stepId);
    expect(step).toMatchObject({ canUndo: false, whyNoUndo: "this step was undone", canRedo: true });
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toHaveLength(0);

    // Redo = undo the undo: the mappings come back and the original step offers neither.
    const undoStep = afterUndo[0]?.stepId ?? "";
    expect((await undo(undoStep)).statusCode).toBe(200);
    const afterRedo = (await steps()).items;
    expect(afterRedo[0]).toMatchObject({ title: "Redo: Map selected to Acme", canUndo: true });
    expect(afterRedo.find((s) => s.stepId === bulk.stepId)).toMatchObject({ canUndo: false, canRedo: false });
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toHaveLength(3);
  });

  it("a module change is listed without Undo, saying why; filters by kind and by actor", async () => {
    await buildModule(t.ctx.db, { key: "rmm", name: "Datto RMM" });
    await t.services.modules.setBillingEnabled(cliActor, "rmm", false);
    await t.services.settings.update(cliActor, { organizationTerm: "Client Company" });
    const all = await steps();
    const moduleStep = all.items.find((s) => s.countLabel === "1 module change");
    expect(moduleStep).toMatchObject({ canUndo: false, canRedo: false });
    expect(moduleStep?.whyNoUndo).toMatch(/cannot be undone from the history/);
    expect(all.items.find((s) => s.countLabel === "1 settings change")?.canUndo).toBe(true);
    expect(all.actors).toContain("cli");

    const settingsOnly = await steps("&entityType=settings");
    expect(settingsOnly.items.map((s) => s.countLabel)).toEqual(["1 settings change"]);
    expect((await steps("&actor=user:nobody")).items).toEqual([]);
  });

  it("the step of a change is in the write's answer, and none when nothing changed", async () => {
    const module = await buildModule(t.ctx.db);
    const mo = await buildModuleOrganization(t.ctx.db, module.key);
    const organization = await buildOrganization(t.ctx.db, { name: "Acme" });
    const mapped = await t.services.mapping.map(cliActor, mo.id, organization.id);
    expect(mapped.stepId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await t.services.mapping.map(cliActor, mo.id, organization.id)).stepId).toBeNull();
    expect((await undo(mapped.stepId ?? "")).statusCode).toBe(200);
  });

  it("a service mapping change offers Undo (audit-undo replays it), and the undo takes it back", async () => {
    await w.module("rmm");
    await w.contracts(psaData([{ id: "s-dev", name: "Managed device", price: "12.50" }], []));
    const admin = await t.loginAs("admin");
    const put = await t.request(admin, {
      method: "PUT",
      url: "/api/v1/service-mappings/rmm/devices",
      payload: { psaServiceId: "s-dev" },
    });
    expect(put.statusCode, put.body).toBe(200);
    const [step] = (await steps("&entityType=service_mapping")).items;
    expect(step).toMatchObject({ canUndo: true, whyNoUndo: null });
    expect(await t.ctx.db.selectFrom("service_mappings").selectAll().execute()).toHaveLength(1);
    expect((await undo(step?.stepId ?? "")).statusCode).toBe(200);
    expect(await t.ctx.db.selectFrom("service_mappings").selectAll().execute()).toHaveLength(0);
  });
});
