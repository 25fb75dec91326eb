import { describe, expect, it } from "vitest";
import { buildModule } from "../../../test/support/factories.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import { cliActor } from "../../domain/actor.ts";
import { createServices } from "../index.ts";
import { useTempFiles } from "../sync/sync-test-support.ts";

/** Issue 14: the sync writes its alerts to the outbox in the transaction of the change. */
describe("alert events from syncs", () => {
  const t = useTestContext();
  const files = useTempFiles();
  const events = (type?: string) => {
    let query = t.ctx.db.selectFrom("outbox_events").selectAll().orderBy("occurred_at");
    if (type) query = query.where("type", "=", type);
    return query.execute();
  };

  it("a module sync writes one event listing the new unmapped ones, and one for mapped ones gone missing", async () => {
    const services = createServices(t.ctx);
    await buildModule(t.ctx.db, { key: "itglue", name: "IT Glue" });
    const path = files.csv([
      ["1", "Acme"],
      ["2", "Beta"],
    ]);
    await services.syncConfig.configureModule(cliActor, "itglue", {
      connector: { kind: "file", settings: { path } },
    });
    const first = await services.sync.syncModule("itglue", "manual");
    const [fresh] = await events("module_organizations.new_unmapped");
    expect(fresh?.data).toMatchObject({
      moduleKey: "itglue",
      moduleName: "IT Glue",
      runId: first.id,
      count: 2,
      items: [expect.objectContaining({ name: "Acme" }), expect.objectContaining({ name: "Beta" })],
    });

    // Map Acme, then Acme disappears and Gamma arrives: one new-unmapped (Gamma), one missing (Acme).
    const psaPath = files.json([{ psaId: "100", name: "Acme Corporation", type: "Customer" }]);
    await services.syncConfig.configurePsa(cliActor, {
      connector: { kind: "file", settings: { path: psaPath } },
    });
    await services.sync.syncPsa("manual");
    const acme = (await t.ctx.db
      .selectFrom("module_organizations")
      .selectAll()
      .where("name", "=", "Acme")
      .executeTakeFirst())!;
    const org = (await t.ctx.db.selectFrom("organizations").selectAll().executeTakeFirst())!;
    await services.mapping.map(cliActor, acme.id, org.id);
    t.ctx.clock.advance(60_000);
    files.csv(
      [
        ["2", "Beta"],
        ["3", "Gamma"],
      ],
      path.split("/").at(-1),
    );
    const second = await services.sync.syncModule("itglue", "manual");
    const fresh2 = (await events("module_organizations.new_unmapped")).at(-1);
    expect(fresh2?.data).toMatchObject({ runId: second.id, count: 1, items: [{ name: "Gamma" }] });
    const [missing] = await events("module_organizations.missing_while_mapped");
    expect(missing?.data).toMatchObject({
      runId: second.id,
      count: 1,
      items: [{ id: acme.id, name: "Acme", organizationId: org.id, organizationName: "Acme Corporation" }],
    });

    // A third run with nothing new writes nothing.
    t.ctx.clock.advance(60_000);
    await services.sync.syncModule("itglue", "manual");
    expect(await events()).toHaveLength(3);
  });

  it("a PSA page that turns a mapped organization Dead writes its event; an unmapped one does not", async () => {
    const services = createServices(t.ctx);
    const module = await buildModule(t.ctx.db, { key: "itglue" });
    const path = files.json([
      { psaId: "100", name: "Acme Corporation", type: "Customer" },
      { psaId: "101", name: "Beta LLC", type: "Customer" },
    ]);
    await services.syncConfig.configurePsa(cliActor, { connector: { kind: "file", settings: { path } } });
    await services.sync.syncPsa("manual");
    const moPath = files.csv([["1", "Acme"]]);
    await services.syncConfig.configureModule(cliActor, module.key, {
      connector: { kind: "file", settings: { path: moPath } },
    });
    await services.sync.syncModule(module.key, "manual");
    const mo = (await t.ctx.db.selectFrom("module_organizations").selectAll().executeTakeFirst())!;
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
        { psaId: "101", name: "Beta LLC", type: "Cancelation" },
      ],
      path.split("/").at(-1),
    );
    const run = await services.sync.syncPsa("manual");
    const inactive = await events("organization.became_inactive");
    expect(inactive.map((e) => e.data)).toEqual([
      {
        runId: run.id,
        organizationId: acme.id,
        name: "Acme Corporation",
        before: "Customer",
        type: "Dead",
        mappedCount: 1,
      },
    ]);
  });

  it("a failed sync writes sync.failed with the run's error; a successful one does not", async () => {
    const services = createServices(t.ctx);
    await buildModule(t.ctx.db, { key: "itglue", name: "IT Glue" });
    await services.syncConfig.configureModule(cliActor, "itglue", {
      connector: { kind: "file", settings: { path: `${files.dir}/does-not-exist.csv` } },
    });
    const run = await services.sync.syncModule("itglue", "manual");
    expect(run.outcome).toBe("failed");
    const [failed] = await events("sync.failed");
    expect(failed?.data).toEqual({ runId: run.id, moduleKey: "itglue", name: "IT Glue", error: run.error });
    expect(await events()).toHaveLength(1);
  });
});
