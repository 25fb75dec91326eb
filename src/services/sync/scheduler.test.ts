import { describe, expect, it } from "vitest";
import { buildModule } from "../../../test/support/factories.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import { SyncRunRepository } from "../../db/sync-run.repository.ts";
import { cliActor } from "../../domain/actor.ts";
import { AppError } from "../../domain/errors.ts";
import { createServices } from "../index.ts";
import { dueOccurrence, validateSchedule } from "./schedule.ts";
import { SyncScheduler } from "./scheduler.ts";
import { useTempFiles } from "./sync-test-support.ts";

describe("sync scheduler", () => {
  const t = useTestContext();
  const files = useTempFiles();

  it("validates five-field cron expressions and finds the due occurrence in the time zone", () => {
    expect(validateSchedule(" 30  1 * * 1-5 ")).toBe("30 1 * * 1-5");
    for (const bad of ["every night", "0 2 * *", "61 2 * * *", "0 2 * * * *"]) {
      expect(() => validateSchedule(bad)).toThrow(AppError);
    }
    const since = new Date("2026-01-15T00:30:00Z");
    expect(dueOccurrence("0 2 * * *", "Europe/Berlin", since, new Date("2026-01-15T00:59:00Z"))).toBeNull();
    expect(dueOccurrence("0 2 * * *", "Europe/Berlin", since, new Date("2026-01-15T01:00:30Z"))).toEqual(
      new Date("2026-01-15T01:00:00Z"),
    );
  });

  it("starts only what is due (nightly 02:00 in the instance time zone) and one module's error spares the others", async () => {
    const services = createServices(t.ctx);
    await services.settings.update(cliActor, { timeZone: "Europe/Berlin" });
    const sync = createServices(t.ctx).sync;
    const config = createServices(t.ctx).syncConfig;
    for (const key of ["busy", "nightly", "hourly"]) {
      await buildModule(t.ctx.db, { key });
      await config.configureModule(cliActor, key, {
        connector: { kind: "file", settings: { path: files.csv([["1", `${key} customer`]]) } },
        ...(key === "hourly" ? { schedule: "15 * * * *" } : {}),
      });
    }
    await buildModule(t.ctx.db, { key: "no-connector" });
    t.ctx.clock.set("2026-01-15T00:30:00Z");
    // Another process is syncing "busy": starting it fails with 409, which must not stop the others.
    await new SyncRunRepository(t.ctx.db).claim({
      scope: "busy",
      trigger: "manual",
      owner: "other",
      leaseMs: 600_000,
      startedAt: t.ctx.clock.now(),
    });
    const scheduler = new SyncScheduler(t.ctx, sync);
    expect(await scheduler.tick(new Date("2026-01-15T00:59:00Z"))).toEqual([]);
    t.ctx.clock.set("2026-01-15T01:00:30Z");
    expect(await scheduler.tick(new Date("2026-01-15T01:00:30Z"))).toEqual(["nightly"]);
    await sync.idle();
    t.ctx.clock.set("2026-01-15T01:16:00Z");
    expect(await scheduler.tick(new Date("2026-01-15T01:16:00Z"))).toEqual(["hourly"]);
    await sync.idle();
    const runs = await sync.listRuns({}, { limit: 10 });
    expect(runs.items.map((r) => [r.moduleKey, r.trigger, r.outcome])).toEqual([
      ["hourly", "schedule", "succeeded"],
      ["nightly", "schedule", "succeeded"],
      ["busy", "manual", "running"],
    ]);
  });
});
