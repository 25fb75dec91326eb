import { describe, expect, it } from "vitest";
import { buildModule } from "../../../test/support/factories.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import { repositories } from "../../db/repositories.ts";
import { STALE_LEASE_ERROR } from "../../db/sync-run.repository.ts";
import { cliActor } from "../../domain/actor.ts";
import { createServices } from "../index.ts";

/**
 * A run whose process was killed is closed by expireStaleLeases as failed, and that failure is a
 * sync.failed event written in the same transaction (issue 14): before, only sync.overdue told.
 */
describe("a killed sync run closed by its expired lease", () => {
  const t = useTestContext();

  async function killedRun(scope: string | null) {
    const repos = repositories(t.ctx.db);
    const run = await repos.syncRuns.claim({
      scope,
      trigger: "schedule",
      owner: "killed-process",
      leaseMs: 60_000,
      startedAt: t.ctx.clock.now(),
    });
    await t.ctx.db
      .updateTable("sync_runs")
      .set({ lease_expires_at: new Date(Date.now() - 1000) })
      .where("id", "=", run!.id)
      .execute();
    return run!;
  }

  it("sends sync.failed for each expired run (a module's and the PSA's), once", async () => {
    await buildModule(t.ctx.db, { key: "itglue", name: "IT Glue" });
    const moduleRun = await killedRun("itglue");
    const psaRun = await killedRun(null);
    const services = createServices(t.ctx);
    await expect(services.sync.expireStaleRuns()).resolves.toBe(2);
    await expect(services.sync.expireStaleRuns()).resolves.toBe(0);
    const events = await repositories(t.ctx.db).outbox.listRecent(10, "sync.failed");
    expect(events).toHaveLength(2);
    expect(events.map((e) => e.data)).toEqual(
      expect.arrayContaining([
        { runId: psaRun.id, moduleKey: null, name: "the PSA", error: STALE_LEASE_ERROR },
        { runId: moduleRun.id, moduleKey: "itglue", name: "IT Glue", error: STALE_LEASE_ERROR },
      ]),
    );
    const run = await repositories(t.ctx.db).syncRuns.findById(moduleRun.id);
    expect(run).toMatchObject({ outcome: "failed", error: STALE_LEASE_ERROR });
  });

  it("the next claim of the scope closes the dead run and sends its sync.failed", async () => {
    await buildModule(t.ctx.db, { key: "itglue", name: "IT Glue" });
    const dead = await killedRun("itglue");
    const services = createServices(t.ctx);
    await services.syncConfig.configureModule(cliActor, "itglue", {
      connector: { kind: "file", settings: { path: "absent.csv" }, secrets: {} },
    });
    // The file is absent: the new run fails on its own, after closing the dead one.
    const run = await services.sync.syncModule("itglue", "manual");
    expect(run.outcome).toBe("failed");
    const events = await repositories(t.ctx.db).outbox.listRecent(10, "sync.failed");
    expect(events.map((e) => (e.data as { runId: string }).runId)).toContain(dead.id);
  });
});
