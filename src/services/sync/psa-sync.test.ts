import { describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization } from "../../../test/support/factories.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import { cliActor } from "../../domain/actor.ts";
import { createServices } from "../index.ts";
import { useTempFiles } from "./sync-test-support.ts";

describe("PSA sync", () => {
  const t = useTestContext();
  const files = useTempFiles();

  it("a mapped organization that becomes Dead stays mapped, is flagged, and the type change is audited", async () => {
    const sync = createServices(t.ctx).sync;
    const services = createServices(t.ctx);
    const path = files.json([
      { psaId: "100", name: "Acme Corporation", type: "Customer" },
      { psaId: "101", name: "Beta LLC", type: "Customer" },
    ]);
    await createServices(t.ctx).syncConfig.configurePsa(cliActor, {
      connector: { kind: "file", settings: { path } },
    });
    const first = await sync.syncPsa("manual");
    expect(first).toMatchObject({ moduleKey: null, outcome: "succeeded" });
    expect(first.counts).toMatchObject({ seen: 2, added: 2 });

    const module = await buildModule(t.ctx.db, { key: "itglue" });
    const mo = await buildModuleOrganization(t.ctx.db, module.key, { name: "Acme" });
    const acme = (await t.ctx.db
      .selectFrom("organizations")
      .selectAll()
      .where("psa_id", "=", "100")
      .executeTakeFirst())!;
    await services.mapping.map(cliActor, mo.id, acme.id);

    t.ctx.clock.advance(60_000);
    files.json(
      [
        { psaId: "100", name: "Acme Corporation", type: "Dead" },
        { psaId: "101", name: "Beta LLC", type: "Customer" },
      ],
      path.split("/").at(-1),
    );
    const second = await sync.syncPsa("schedule");
    expect(second.counts).toMatchObject({ seen: 2, added: 0, missing: 0 });
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toHaveLength(1);
    const flagged = await services.moduleOrganizations.list({ needsAttention: true }, { limit: 10 });
    expect(flagged.items.map((i) => i.mapping)).toEqual([
      expect.objectContaining({ organizationId: acme.id, organizationType: "Dead", needsAttention: true }),
    ]);
    const audit = await t.ctx.db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "=", "organization.type_changed")
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: "system:sync",
      before: { type: "Customer" },
      after: { type: "Dead" },
    });
  });

  it("links PSA parents arriving on a later page, marks absent organizations missing, reports bad items", async () => {
    const sync = createServices(t.ctx).sync;
    const items: unknown[] = [{ psaId: "child", name: "Acme West", type: "Customer", parentPsaId: "parent" }];
    for (let i = 0; i < 500; i++) items.push({ psaId: `f${i}`, name: `Filler ${i}`, type: "Lead" });
    items.push(
      { psaId: "parent", name: "Acme", type: "Customer" },
      { psaId: "bad", name: "X", type: "Friend" },
    );
    const path = files.json(items);
    await createServices(t.ctx).syncConfig.configurePsa(cliActor, {
      connector: { kind: "file", settings: { path } },
    });
    const run = await sync.syncPsa("manual");
    expect(run.counts).toMatchObject({ seen: 502, added: 502, rejected: 1 });
    expect((await sync.getRun(run.id)).rejected[0]?.reason).toMatch(/unknown organization type "Friend"/);
    const byPsa = new Map(
      (await t.ctx.db.selectFrom("organizations").selectAll().execute()).map((o) => [o.psa_id, o]),
    );
    expect(byPsa.get("child")?.parent_id).toBe(byPsa.get("parent")?.id);

    t.ctx.clock.advance(60_000);
    files.json([items[0], items[501]], path.split("/").at(-1));
    const second = await sync.syncPsa("manual");
    expect(second.counts).toMatchObject({ seen: 2, missing: 500 });
    const psa = await createServices(t.ctx).syncConfig.getPsa();
    expect(psa).toMatchObject({
      connector: { kind: "file", hasSecrets: false },
      schedule: "0 2 * * *",
      lastSync: { id: second.id, outcome: "succeeded" },
    });
  });
});
