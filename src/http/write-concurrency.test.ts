import type { InjectOptions } from "fastify";
import { describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../test/support/factories.ts";
import { type Caller, useTestApp } from "../../test/support/test-app.ts";
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

/** The two writers of one (organization, module) pair: a grid cell and an organization-page line. */
const pairWriters = [
  {
    name: "grid cell",
    request: (organizationId: string, moduleKey: string, moduleOrganizationId: string, version: string) => ({
      method: "PUT" as const,
      url: "/api/v1/mapping-grid/cell",
      payload: { organizationId, moduleKey, moduleOrganizationId, version },
    }),
    winnerOf: (body: unknown) => {
      const { cell } = body as { cell: { moduleOrganizations: { id: string }[] } };
      expect(cell.moduleOrganizations).toHaveLength(1);
      return cell.moduleOrganizations[0]!.id;
    },
  },
  {
    name: "organization page",
    request: (organizationId: string, moduleKey: string, moduleOrganizationId: string, version: string) => ({
      method: "PUT" as const,
      url: `/api/v1/organizations/${organizationId}/module-mappings`,
      payload: { modules: [{ moduleKey, moduleOrganizationId, ignore: false, version }] },
    }),
    winnerOf: (body: unknown) => {
      const { modules } = body as {
        modules: { moduleOrganizationId: string; extraModuleOrganizations: unknown[] }[];
      };
      expect(modules[0]?.extraModuleOrganizations).toEqual([]);
      return modules[0]!.moduleOrganizationId;
    },
  },
];

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

  /** Sends every request at once; exactly one must win (200), every other one gets 409. Answers the winner's body. */
  async function race(editor: Caller, requests: InjectOptions[]): Promise<unknown> {
    const responses = await Promise.all(requests.map((options) => t.request(editor, options)));
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, ...Array(requests.length - 1).fill(409)]);
    return responses.find((r) => r.statusCode === 200)!.json();
  }

  /** 50 undos of the one step recorded for `entityType`; answers that step and the winning undo's step. */
  async function raceUndo(editor: Caller, entityType: string) {
    const { step_id: step } = await t.ctx.db
      .selectFrom("audit_events")
      .select("step_id")
      .where("entity_type", "=", entityType)
      .executeTakeFirstOrThrow();
    const winner = (await race(
      editor,
      Array.from({ length: WRITERS }, () => ({
        method: "POST" as const,
        url: `/api/v1/audit-events/steps/${step}/undo`,
      })),
    )) as { stepId: string };
    return { step, stepId: winner.stepId };
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
    for (const writer of pairWriters) {
      it(`one ${writer.name}, ${WRITERS} writers with one version: one 200, the rest 409 (round ${round})`, async () => {
        const { module, organization, moduleOrganizations, editor } = await setup();
        const version = pairVersion([], false);
        const winner = await race(
          editor,
          moduleOrganizations.map((mo) => writer.request(organization.id, module.key, mo.id, version)),
        );
        await expectOneWinner(organization.id, writer.winnerOf(winner));
      });
    }

    it(`one undo, ${WRITERS} writers: one 200, the rest 409, one undo step in the log (round ${round})`, async () => {
      const { organization, moduleOrganizations, editor } = await setup();
      const mo = moduleOrganizations[0]!;
      await t.services.mapping.map(cliActor, mo.id, organization.id);
      const { step, stepId } = await raceUndo(editor, "mapping");
      expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toEqual([]);
      const events = await t.ctx.db
        .selectFrom("audit_events")
        .select(["step_id", "action", "undone_by_step"])
        .where("entity_type", "=", "mapping")
        .orderBy("id")
        .execute();
      expect(events).toEqual([
        { step_id: step, action: "mapping.created", undone_by_step: stepId },
        { step_id: stepId, action: "mapping.deleted", undone_by_step: null },
      ]);
    });
  }

  it(`one settings step, ${WRITERS} undos: one 200, the rest 409, one undo event`, async () => {
    const editor = await t.loginAs("editor");
    await t.services.settings.update(cliActor, { organizationTerm: "Client" });
    const { step, stepId } = await raceUndo(editor, "settings");
    expect((await t.services.settings.get()).organizationTerm).toBe("Organization");
    const events = await t.ctx.db
      .selectFrom("audit_events")
      .select(["step_id", "undone_by_step"])
      .where("entity_type", "=", "settings")
      .orderBy("id")
      .execute();
    expect(events).toEqual([
      { step_id: step, undone_by_step: stepId },
      { step_id: stepId, undone_by_step: null },
    ]);
  });
});
