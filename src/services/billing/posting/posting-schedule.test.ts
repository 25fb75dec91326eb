import { afterEach, describe, expect, it } from "vitest";
import { buildModule } from "../../../../test/support/factories.ts";
import { useTestContext } from "../../../../test/support/test-context.ts";
import {
  candidate,
  client,
  contractsWith,
  emulator,
  PERIOD,
} from "../../../../test/vendors/autotask-adjustments.fixtures.ts";
import { emulatedUnits } from "../../../../test/vendors/autotask-adjustments.server.ts";
import type { VendorServer } from "../../../../test/vendors/vendor-server.ts";
import { repositories } from "../../../db/repositories.ts";
import { cliActor } from "../../../domain/actor.ts";
import { createServices } from "../../index.ts";
import { SyncScheduler } from "../../sync/scheduler.ts";
import { useTempFiles } from "../../sync/sync-test-support.ts";

/**
 * Issue 10 item 1: a module's posting runs on its schedule, after its scheduled sync succeeded, and
 * only when an admin turned posting on for it (rule 16). The scheduler is wired as `orgmap serve`
 * wires it (src/cli/serve.command.ts).
 */
describe("posting on the module's schedule, after its sync", () => {
  const t = useTestContext();
  const files = useTempFiles();
  let server: VendorServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function setUp(startAt: string) {
    const data = contractsWith([5, 5, 5]);
    server = await emulator(data);
    const url = server.url;
    // Each module wants its own contract service at 9 units.
    const index: Record<string, number> = { on: 0, off: 1, broken: 2 };
    const services = createServices(t.ctx, {
      posting: {
        owner: "schedule-test",
        source: { candidates: async (moduleKey) => [candidate(moduleKey, index[moduleKey]!, 9)] },
        psa: () => client(url, { sleep: async () => {} }),
      },
    });
    for (const key of ["on", "off", "broken"]) {
      await buildModule(t.ctx.db, { key });
      await services.syncConfig.configureModule(cliActor, key, {
        connector: {
          kind: "file",
          settings: {
            path: key === "broken" ? files.csv([["1", "x"]], "gone.csv") : files.csv([["1", `${key} site`]]),
          },
        },
      });
    }
    // The broken module's file is gone by the time its sync runs: the sync fails.
    const { rmSync } = await import("node:fs");
    rmSync(`${files.dir}/gone.csv`);
    await services.posting.setSwitch(cliActor, "on", true);
    await services.posting.setSwitch(cliActor, "broken", true);
    t.ctx.clock.set(startAt);
    const scheduler = new SyncScheduler(t.ctx, services.sync, {
      afterModuleSync: (moduleKey) => services.posting.postAfterSync(moduleKey),
    });
    return { data, services, scheduler };
  }

  it("posts a module whose posting is on after its scheduled sync succeeded; the run says it was scheduled", async () => {
    const { data, services, scheduler } = await setUp("2026-11-02T01:00:00Z");
    t.ctx.clock.set("2026-11-02T01:59:00Z");
    expect(await scheduler.tick(new Date("2026-11-02T01:59:00Z"))).toEqual([]);
    t.ctx.clock.set("2026-11-02T02:00:30Z");
    expect((await scheduler.tick(new Date("2026-11-02T02:00:30Z"))).sort()).toEqual(["broken", "off", "on"]);
    await scheduler.settled();
    await services.sync.idle();

    const syncs = await services.sync.listRuns({}, { limit: 10 });
    expect(Object.fromEntries(syncs.items.map((r) => [r.moduleKey, `${r.trigger} ${r.outcome}`]))).toEqual({
      on: "schedule succeeded",
      off: "schedule succeeded",
      broken: "schedule failed",
    });
    const runs = await repositories(t.ctx.db).posting.runs(undefined, 10);
    // Only the module whose posting is on and whose sync succeeded was posted.
    expect(runs.map((r) => [r.moduleKey, r.trigger, r.periodKey, r.outcome])).toEqual([
      ["on", "schedule", PERIOD, "completed"],
    ]);
    expect(runs[0]?.counts).toMatchObject({ posted: 1 });
    expect([0, 1, 2].map((i) => emulatedUnits(data, 5000 + i, PERIOD))).toEqual([9, 5, 5]);
    const log = await repositories(t.ctx.db).activityLog.list({}, 10, 0);
    expect(log.rows.map((r) => [r.moduleKey, r.outcome, r.unitsBefore, r.unitsAfter])).toEqual([
      ["on", "posted", 5, 9],
    ]);
  });

  it("a manual sync does not post (posting follows the schedule, or Post now); stop() waits for a scheduled run", async () => {
    const { data, services, scheduler } = await setUp("2026-11-03T01:00:00Z");
    await services.sync.syncModule("on", "manual");
    expect(await repositories(t.ctx.db).posting.runs(undefined, 10)).toEqual([]);
    t.ctx.clock.set("2026-11-03T01:59:00Z");
    await scheduler.tick(new Date("2026-11-03T01:59:00Z"));
    t.ctx.clock.set("2026-11-03T02:00:30Z");
    await scheduler.tick(new Date("2026-11-03T02:00:30Z"));
    await scheduler.stop();
    expect((await repositories(t.ctx.db).posting.runs("on", 10)).map((r) => r.trigger)).toEqual(["schedule"]);
    expect(emulatedUnits(data, 5000, PERIOD)).toBe(9);
  });
});
