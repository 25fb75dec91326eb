import { describe, expect, it } from "vitest";
import { buildModule, buildOrganization } from "../../../test/support/factories.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import { startItGlueServer } from "../../../test/vendors/itglue.server.ts";
import { cliActor } from "../../domain/actor.ts";
import { createServices } from "../index.ts";
import { useTempFiles } from "./sync-test-support.ts";

describe("module sync (rule 8)", () => {
  const t = useTestContext();
  const files = useTempFiles();
  const setup = () => {
    const services = createServices(t.ctx, { sync: { connectorDeps: { sleep: async () => {} } } });
    return { sync: services.sync, config: services.syncConfig, services };
  };
  const rows = (key: string) =>
    t.ctx.db
      .selectFrom("module_organizations")
      .selectAll()
      .where("module_key", "=", key)
      .orderBy("external_id")
      .execute();

  it("counts added, renamed, missing and returned; a rename keeps the mapping and is audited", async () => {
    const { sync, config, services } = setup();
    const module = await buildModule(t.ctx.db, { key: "graphus" });
    const path = files.csv([
      ["1", "Acme"],
      ["2", "Beta"],
      ["3", "Gamma"],
    ]);
    await config.configureModule(cliActor, module.key, { connector: { kind: "file", settings: { path } } });
    const first = await sync.syncModule(module.key, "manual");
    expect(first).toMatchObject({ outcome: "succeeded", trigger: "manual", error: null });
    expect(first.counts).toEqual({
      ...{ seen: 3, added: 3, renamed: 0, missing: 0, returned: 0, rejected: 0 },
      ...{ requests: 0, unmappedAtEnd: 3 },
    });

    const acme = (await rows(module.key)).find((r) => r.external_id === "1")!;
    const org = await buildOrganization(t.ctx.db, { name: "Acme Corporation" });
    await services.mapping.map(cliActor, acme.id, org.id);

    t.ctx.clock.advance(60_000);
    files.csv(
      [
        ["1", "Acme Inc."],
        ["2", "Beta"],
      ],
      path.split("/").at(-1),
    );
    const second = await sync.syncModule(module.key, "manual");
    expect(second.counts).toEqual({
      ...{ seen: 2, added: 0, renamed: 1, missing: 1, returned: 0, rejected: 0 },
      ...{ requests: 0, unmappedAtEnd: 1 },
    });
    const after = await rows(module.key);
    expect(after.map((r) => [r.external_id, r.name, r.status])).toEqual([
      ["1", "Acme Inc.", "active"],
      ["2", "Beta", "active"],
      ["3", "Gamma", "missing"],
    ]);
    expect(
      (await t.ctx.db.selectFrom("mappings").selectAll().execute()).map((m) => m.organization_id),
    ).toEqual([org.id]);
    const renamed = await t.ctx.db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "=", "module_organization.renamed")
      .execute();
    expect(renamed).toHaveLength(1);
    expect(renamed[0]).toMatchObject({ actor: "system:sync", entity_id: acme.id, before: { name: "Acme" } });
    expect(renamed[0]?.after).toEqual({ name: "Acme Inc." });

    t.ctx.clock.advance(60_000);
    files.csv(
      [
        ["1", "Acme Inc."],
        ["2", "Beta"],
        ["3", "Gamma"],
      ],
      path.split("/").at(-1),
    );
    const third = await sync.syncModule(module.key, "schedule");
    expect(third.counts).toEqual({
      ...{ seen: 3, added: 0, renamed: 0, missing: 0, returned: 1, rejected: 0 },
      ...{ requests: 0, unmappedAtEnd: 2 },
    });
    expect((await rows(module.key)).every((r) => r.status === "active")).toBe(true);
  });

  it("a failed run marks nothing missing, keeps the pages it finished, and is recorded with its error", async () => {
    const { sync, config } = setup();
    const module = await buildModule(t.ctx.db, { key: "itglue" });
    const good = await startItGlueServer({ count: 30 });
    const broken = await startItGlueServer({
      count: 30,
      faults: [{ fault: { kind: "500", message: "database unavailable" }, page: 2, times: Infinity }],
    });
    try {
      const configure = (baseUrl: string) =>
        config.configureModule(cliActor, module.key, {
          connector: {
            kind: "itglue",
            settings: { baseUrl, pageSize: 10, maxAttempts: 1 },
            secrets: { apiKey: "itg-test-key" },
          },
        });
      await configure(good.url);
      expect((await sync.syncModule(module.key, "manual")).counts.added).toBe(30);
      await configure(broken.url);
      t.ctx.clock.advance(60_000);
      const failed = await sync.syncModule(module.key, "manual");
      expect(failed.outcome).toBe("failed");
      expect(failed.error).toMatch(/500|database unavailable/);
      expect(failed.counts).toMatchObject({ seen: 10, missing: 0 });
      expect(failed.finishedAt).not.toBeNull();
      const stored = await rows(module.key);
      expect(stored).toHaveLength(30);
      expect(stored.filter((r) => r.status === "missing")).toHaveLength(0);
      expect(
        stored.filter((r) => new Date(r.last_seen_at).getTime() === t.ctx.clock.now().getTime()),
      ).toHaveLength(10);
    } finally {
      await Promise.all([good.close(), broken.close()]);
    }
  });

  it("counts every rejected record and stores it with its reason", async () => {
    const { sync, config } = setup();
    const module = await buildModule(t.ctx.db, { key: "passly" });
    const path = files.csv([
      ["1", "Acme"],
      ["", "No id"],
      ["2", ""],
      ["1", "Acme again"],
      ["3", "N".repeat(10_000)],
      ["4", "Delta"],
    ]);
    await config.configureModule(cliActor, module.key, { connector: { kind: "file", settings: { path } } });
    const run = await sync.syncModule(module.key, "manual");
    expect(run.outcome).toBe("succeeded");
    expect(run.counts).toMatchObject({ seen: 2, added: 2, rejected: 4 });
    const detail = await sync.getRun(run.id);
    expect(detail.rejected).toHaveLength(4);
    expect(detail.rejected.map((r) => r.reason).join("\n")).toMatch(/externalId empty/);
    expect(detail.rejected.map((r) => r.reason).join("\n")).toMatch(/duplicate id/);
    expect(detail.rejected.map((r) => r.reason).join("\n")).toMatch(/longer than 500/);
  });

  it("links a parent that arrives on a later page and orders sub-organizations under it", async () => {
    const { sync, config } = setup();
    const module = await buildModule(t.ctx.db, { key: "bullphish" });
    const filler = Array.from({ length: 1000 }, (_, i) => [`f${i}`, `Filler ${i}`] as const);
    const path = files.csv([["child", "Zulu Site", "parent"], ...filler, ["parent", "Alpha Customer"]]);
    await config.configureModule(cliActor, module.key, { connector: { kind: "file", settings: { path } } });
    const run = await sync.syncModule(module.key, "manual");
    expect(run.counts).toMatchObject({ seen: 1002, added: 1002 });
    const stored = await rows(module.key);
    const parent = stored.find((r) => r.external_id === "parent")!;
    const child = stored.find((r) => r.external_id === "child")!;
    expect(child.parent_id).toBe(parent.id);
    expect(child.tree_sort.startsWith(parent.tree_sort)).toBe(true);
  });

  it("rule 1: billing on waits for the first successful sync; a sync while billing is off does not make it ready", async () => {
    const { sync, config, services } = setup();
    const module = await buildModule(t.ctx.db, { key: "saas", state: "disabled" });
    const path = files.csv([["1", "Acme"]]);
    await config.configureModule(cliActor, module.key, { connector: { kind: "file", settings: { path } } });
    await sync.syncModule(module.key, "manual");
    expect((await services.modules.get(module.key)).state).toBe("disabled");
    await services.modules.setBillingEnabled(cliActor, module.key, true);
    expect((await services.modules.get(module.key)).state).toBe("awaiting_first_sync");
    await config.configureModule(cliActor, module.key, {
      connector: { kind: "file", settings: { path: `${files.dir}/does-not-exist.csv` } },
    });
    const failed = await sync.syncModule(module.key, "manual");
    expect(failed.outcome).toBe("failed");
    expect((await services.modules.get(module.key)).state).toBe("awaiting_first_sync");
    await config.configureModule(cliActor, module.key, { connector: { kind: "file", settings: { path } } });
    await sync.syncModule(module.key, "manual");
    expect((await services.modules.get(module.key)).state).toBe("ready");
  });
});
