import { describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../test/support/factories.ts";
import { useTestApp } from "../../test/support/test-app.ts";
import { testServerUrl } from "../../test/support/test-context.ts";
import { cliActor } from "../domain/actor.ts";
import { pairVersion } from "../domain/mapping.ts";

/**
 * Versions that hold under concurrency (rule 10, issue 8 item 2): 50 writers sent with one version
 * at one grid cell, one organization-page line, or one undo; exactly one wins, the others get 409,
 * and the audit log agrees with what is stored. PGlite runs one transaction at a time, so only a
 * PostgreSQL server (TEST_DATABASE_URL or DATABASE_URL; `npm run test:postgres`) can show a race.
 */
const WRITERS = 50;
const ROUNDS = 3;

describe.skipIf(!testServerUrl())("concurrent writers on PostgreSQL", () => {
  const t = useTestApp();

  async function setup() {
    const module = await buildModule(t.ctx.db, { name: "Datto RMM" });
    const organization = await buildOrganization(t.ctx.db, { name: "Acme Corp" });
    const moduleOrganizations = [];
    for (let i = 0; i < WRITERS; i++)
      moduleOrganizations.push(await buildModuleOrganization(t.ctx.db, module.key, { name: `Site ${i}` }));
    return { module, organization, moduleOrganizations, editor: await t.loginAs("editor") };
  }

  function statuses(responses: { statusCode: number }[]) {
    return responses.map((r) => r.statusCode).sort();
  }

  /** The pair holds exactly the winner, and the log holds exactly one mapping event: the winner's. */
  async function expectOneWinner(organizationId: string, winnerId: string) {
    const mappings = await t.ctx.db
      .selectFrom("mappings")
      .select("module_organization_id")
      .where("organization_id", "=", organizationId)
      .execute();
    expect(mappings).toEqual([{ module_organization_id: winnerId }]);
    const events = await t.ctx.db
      .selectFrom("audit_events")
      .select(["action", "entity_id", "after"])
      .where("entity_type", "=", "mapping")
      .execute();
    expect(events).toEqual([
      { action: "mapping.created", entity_id: winnerId, after: expect.objectContaining({ organizationId }) },
    ]);
  }

  for (let round = 1; round <= ROUNDS; round++) {
    it(`one grid cell, ${WRITERS} writers with one version: one 200, the rest 409 (round ${round})`, async () => {
      const { module, organization, moduleOrganizations, editor } = await setup();
      const version = pairVersion([], false);
      const responses = await Promise.all(
        moduleOrganizations.map((mo) =>
          t.request(editor, {
            method: "PUT",
            url: "/api/v1/mapping-grid/cell",
            payload: {
              organizationId: organization.id,
              moduleKey: module.key,
              moduleOrganizationId: mo.id,
              version,
            },
          }),
        ),
      );
      expect(statuses(responses)).toEqual([200, ...Array(WRITERS - 1).fill(409)]);
      const winner = responses.find((r) => r.statusCode === 200)!.json() as {
        cell: { moduleOrganizations: { id: string }[] };
      };
      expect(winner.cell.moduleOrganizations).toHaveLength(1);
      await expectOneWinner(organization.id, winner.cell.moduleOrganizations[0]!.id);
    });

    it(`one organization page, ${WRITERS} writers with one version: one 200, the rest 409 (round ${round})`, async () => {
      const { module, organization, moduleOrganizations, editor } = await setup();
      const version = pairVersion([], false);
      const responses = await Promise.all(
        moduleOrganizations.map((mo) =>
          t.request(editor, {
            method: "PUT",
            url: `/api/v1/organizations/${organization.id}/module-mappings`,
            payload: {
              modules: [{ moduleKey: module.key, moduleOrganizationId: mo.id, ignore: false, version }],
            },
          }),
        ),
      );
      expect(statuses(responses)).toEqual([200, ...Array(WRITERS - 1).fill(409)]);
      const winner = responses.find((r) => r.statusCode === 200)!.json() as {
        modules: { moduleOrganizationId: string; extraModuleOrganizations: unknown[] }[];
      };
      expect(winner.modules[0]?.extraModuleOrganizations).toEqual([]);
      await expectOneWinner(organization.id, winner.modules[0]!.moduleOrganizationId);
    });

    it(`one undo, ${WRITERS} writers: one 200, the rest 409, one undo step in the log (round ${round})`, async () => {
      const { organization, moduleOrganizations, editor } = await setup();
      const mo = moduleOrganizations[0]!;
      await t.services.mapping.map(cliActor, mo.id, organization.id);
      const [step] = await t.ctx.db
        .selectFrom("audit_events")
        .select("step_id")
        .where("entity_type", "=", "mapping")
        .execute();
      const responses = await Promise.all(
        Array.from({ length: WRITERS }, () =>
          t.request(editor, { method: "POST", url: `/api/v1/audit-events/steps/${step!.step_id}/undo` }),
        ),
      );
      expect(statuses(responses)).toEqual([200, ...Array(WRITERS - 1).fill(409)]);
      const { stepId } = responses.find((r) => r.statusCode === 200)!.json() as { stepId: string };
      expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toEqual([]);
      const events = await t.ctx.db
        .selectFrom("audit_events")
        .select(["step_id", "action", "undone_by_step"])
        .where("entity_type", "=", "mapping")
        .orderBy("id")
        .execute();
      expect(events).toEqual([
        { step_id: step!.step_id, action: "mapping.created", undone_by_step: stepId },
        { step_id: stepId, action: "mapping.deleted", undone_by_step: null },
      ]);
    });
  }
});
