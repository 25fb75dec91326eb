import { describe, expect, it } from "vitest";
import { useTestContext } from "../../../test/support/test-context.ts";
import { cliActor } from "../../domain/actor.ts";
import { createServices } from "../index.ts";
import { useTempFiles } from "../sync/sync-test-support.ts";
import { DemoService } from "./demo.service.ts";
import { generateDemoData } from "./demo-data.ts";

describe("demo", () => {
  const t = useTestContext();
  const files = useTempFiles();

  it("brings its data in through the file connector and the real sync path; every module ends ready", async () => {
    const data = generateDemoData({ organizations: 150 });
    // The clock moves as time would between the demo's steps (each module is added after the last).
    const clock = {
      now: () => {
        t.ctx.clock.advance(1);
        return t.ctx.clock.now();
      },
    };
    const demo = new DemoService({ ...t.ctx, clock });
    expect(await demo.isEmpty()).toBe(true);
    const loaded = await demo.load(cliActor, data, { dir: files.dir });
    expect(loaded.modules).toBe(6);
    const services = createServices(t.ctx);
    const modules = await services.modules.list();
    expect(modules.map((m) => [m.key, m.state, m.connector?.kind, m.lastSync?.trigger])).toEqual(
      data.modules.map((m) => [m.key, "ready", "file", "demo"]),
    );
    for (const m of modules) expect(m.counts.moduleOrganizations).toBeGreaterThan(0);
    expect(modules.reduce((n, m) => n + m.counts.mapped, 0)).toBeGreaterThan(0);
    const runs = await t.ctx.db.selectFrom("sync_runs").selectAll().execute();
    // The PSA, each module once for its organizations and once more with its usage, Passly's failing read.
    expect(runs).toHaveLength(13);
    expect(runs.every((r) => r.outcome === "succeeded" && r.trigger === "demo")).toBe(true);
    expect((await t.ctx.db.selectFrom("organizations").selectAll().execute()).length).toBe(150);
    expect(await demo.isEmpty()).toBe(false);
    // Each module's addition and billing switch, and the mappings, are in the audit log like a person's.
    const audited = await t.ctx.db.selectFrom("audit_events").select(["action", "step_id"]).execute();
    const count = (action: string) => audited.filter((e) => e.action === action).length;
    expect([count("module.created"), count("module.billing_enabled")]).toEqual([6, 6]);
    const mappingSteps = new Set(audited.filter((e) => e.action === "mapping.created").map((e) => e.step_id));
    expect(mappingSteps.size).toBe(1);
    expect(count("mapping.created")).toBe(loaded.changes);

    // Every reconciliation state shows on the first start (issue 9 item 8).
    const summary = await services.reconciliation.summary({});
    expect(summary.totals.filter((total) => total.rows === 0).map((total) => total.state)).toEqual([]);
    expect(summary.totals.find((total) => total.state === "under_billed")?.rowsWithoutMoney).toBeGreaterThan(
      0,
    );
    expect(summary.modules.find((m) => m.moduleKey === "passly")?.isStale).toBe(false);
    const mappedServices = await services.serviceMappings.list({ moduleKey: "datto-rmm" });
    expect(
      mappedServices.modules[0]?.billingTypes.map((b) => [b.key, b.serviceMapping?.psaServiceName ?? null]),
    ).toEqual([
      ["devices", "Managed Workstation"],
      ["devices.server", null],
    ]);
  });
});
