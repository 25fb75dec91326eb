import { describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../test/support/factories.ts";
import { useTestApp } from "../../test/support/test-app.ts";

const UNKNOWN_ID = "5f0c8c5e-0000-4000-8000-000000000000";

describe("suggestions API", () => {
  const t = useTestApp();

  async function scenario() {
    const module = await buildModule(t.ctx.db, { key: "itglue", name: "IT Glue" });
    const acme = await buildOrganization(t.ctx.db, { name: "Acme Corporation" });
    const globex = await buildOrganization(t.ctx.db, { name: "Globex, Inc." });
    const a = await buildModuleOrganization(t.ctx.db, module.key, { name: "ACME Corp." });
    const g = await buildModuleOrganization(t.ctx.db, module.key, { name: "Globex" });
    return { module, acme, globex, a, g };
  }

  it("lists suggestions of a module with names, scores and reasons, and one module organization's", async () => {
    const { module, acme, a } = await scenario();
    const viewer = await t.loginAs("viewer");
    const res = await t.request(viewer, {
      method: "GET",
      url: `/api/v1/suggestions?moduleKey=${module.key}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.nextCursor).toBeNull();
    expect(body.items[0]).toMatchObject({
      moduleOrganizationId: a.id,
      moduleOrganizationName: "ACME Corp.",
      moduleKey: module.key,
      candidates: [{ organizationId: acme.id, organizationName: "Acme Corporation", accept: true }],
    });
    expect(body.items[0].candidates[0].score).toBeGreaterThan(0.9);
    expect(body.items[0].candidates[0].reasons.length).toBeGreaterThan(0);
    const one = await t.request(viewer, {
      method: "GET",
      url: `/api/v1/suggestions?moduleOrganizationId=${a.id}`,
    });
    expect(one.json().items).toHaveLength(1);
    const unknown = await t.request(viewer, {
      method: "GET",
      url: `/api/v1/suggestions?moduleOrganizationId=${UNKNOWN_ID}`,
    });
    expect(unknown.statusCode).toBe(404);
    const byOrganization = await t.request(viewer, {
      method: "GET",
      url: `/api/v1/suggestions?organizationId=${acme.id}&moduleKey=${module.key}`,
    });
    expect(
      byOrganization.json().items.map((i: { moduleOrganizationId: string }) => i.moduleOrganizationId),
    ).toEqual([a.id]);
    const noModule = await t.request(viewer, {
      method: "GET",
      url: `/api/v1/suggestions?organizationId=${acme.id}`,
    });
    expect(noModule.statusCode).toBe(422);
    expect(noModule.json().field).toBe("moduleKey");
    const unknownModule = await t.request(viewer, {
      method: "GET",
      url: "/api/v1/suggestions?moduleKey=nope",
    });
    expect(unknownModule.statusCode).toBe(404);
  });

  it("accepts all confident suggestions in one undoable step; a viewer may not", async () => {
    const { module } = await scenario();
    const viewer = await t.loginAs("viewer");
    const refused = await t.request(viewer, {
      method: "POST",
      url: "/api/v1/suggestions/accept",
      payload: { moduleKey: module.key, minScore: 0.9 },
    });
    expect(refused.statusCode).toBe(403);
    const editor = await t.loginAs("editor");
    const res = await t.request(editor, {
      method: "POST",
      url: "/api/v1/suggestions/accept",
      payload: { moduleKey: module.key, minScore: 0.9 },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ applied: 2, stepId: expect.any(String) });
    const undo = await t.request(editor, {
      method: "POST",
      url: `/api/v1/audit-events/steps/${res.json().stepId}/undo`,
    });
    expect(undo.statusCode, undo.body).toBe(200);
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toEqual([]);
  });

  it("answers 422 naming the field for bad accept bodies and unmappable targets, and changes nothing", async () => {
    const { module, a } = await scenario();
    const dead = await buildOrganization(t.ctx.db, { name: "Bygone Corp", type: "Dead" });
    const editor = await t.loginAs("editor");
    const cases = [
      [{}, "items"],
      [{ moduleKey: module.key }, "minScore"],
      [{ moduleKey: module.key, minScore: 2 }, "minScore"],
      [{ items: [] }, "items"],
      [{ items: [{ moduleOrganizationId: a.id }] }, "items.0.organizationId"],
      [{ items: [{ moduleOrganizationId: a.id, organizationId: dead.id }] }, "items.0.organizationId"],
    ] as const;
    for (const [payload, field] of cases) {
      const res = await t.request(editor, { method: "POST", url: "/api/v1/suggestions/accept", payload });
      expect(res.statusCode, `${JSON.stringify(payload)}: ${res.body}`).toBe(422);
      expect(res.json().field).toBe(field);
    }
    const unknown = await t.request(editor, {
      method: "POST",
      url: "/api/v1/suggestions/accept",
      payload: { items: [{ moduleOrganizationId: UNKNOWN_ID, organizationId: dead.id }] },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().field).toBe("items.0.moduleOrganizationId");
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toEqual([]);
  });

  it("rejects a suggestion (204) and never proposes it again", async () => {
    const { module, acme, a } = await scenario();
    const editor = await t.loginAs("editor");
    const res = await t.request(editor, {
      method: "POST",
      url: "/api/v1/suggestions/reject",
      payload: { moduleOrganizationId: a.id, organizationId: acme.id },
    });
    expect(res.statusCode, res.body).toBe(204);
    const list = await t.request(editor, {
      method: "GET",
      url: `/api/v1/suggestions?moduleKey=${module.key}`,
    });
    const ids = list
      .json()
      .items.flatMap((i: { candidates: { organizationId: string }[] }) =>
        i.candidates.map((c) => c.organizationId),
      );
    expect(ids).not.toContain(acme.id);
    const unknown = await t.request(editor, {
      method: "POST",
      url: "/api/v1/suggestions/reject",
      payload: { moduleOrganizationId: a.id, organizationId: UNKNOWN_ID },
    });
    expect(unknown.statusCode).toBe(404);
  });
});
