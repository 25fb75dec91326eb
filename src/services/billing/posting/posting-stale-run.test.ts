import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { buildModule } from "../../../../test/support/factories.ts";
import { useTestContext } from "../../../../test/support/test-context.ts";
import {
  candidate,
  client,
  contractsWith,
  emulator,
} from "../../../../test/vendors/autotask-adjustments.fixtures.ts";
import type { VendorServer } from "../../../../test/vendors/vendor-server.ts";
import { STOPPED_RUN_ERROR } from "../../../db/posting.repository.ts";
import { repositories } from "../../../db/repositories.ts";
import { cliActor } from "../../../domain/actor.ts";
import { createServices } from "../../index.ts";
import { SyncScheduler } from "../../sync/scheduler.ts";

/**
 * Issue 10: a posting run whose process was killed does not stay `running`. Its heartbeat
 * (`alive_until`) stops; the next posting run of its module, or the serve scheduler's tick, closes
 * it as failed ("stopped: its process ended"); a run whose heartbeat is still alive is left alone.
 */
describe("posting runs of ended processes", () => {
  const t = useTestContext();
  let server: VendorServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function setUp() {
    const module = await buildModule(t.ctx.db);
    const other = await buildModule(t.ctx.db);
    server = await emulator(contractsWith([5]));
    const url = server.url;
    const services = createServices(t.ctx, {
      posting: {
        owner: "stale-test",
        source: { candidates: async (key: string) => [candidate(key, 0, 8)] },
        psa: () => client(url, { sleep: async () => {} }),
      },
    });
    t.ctx.clock.set("2026-11-20T10:00:00Z");
    await services.posting.setSwitch(cliActor, module.key, true);
    return { module, other, services };
  }

  /** A `running` row as a process leaves it: its heartbeat `aliveSeconds` from now (negative: past). */
  async function runningRow(moduleKey: string, aliveSeconds: number): Promise<string> {
    const result = await sql<{ id: string }>`
      insert into posting_runs (module_key, trigger, period_key, started_at, owner, alive_until)
      values (${moduleKey}, 'manual', '2026-11', now() - interval '1 hour', 'killed-process',
        now() + ${aliveSeconds} * interval '1 second')
      returning id
    `.execute(t.ctx.db);
    return result.rows[0]!.id;
  }

  async function run(id: string) {
    return t.ctx.db
      .selectFrom("posting_runs")
      .select(["outcome", "error", "finished_at", "alive_until"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
  }

  it("closes a run past its heartbeat when the module's next run starts; leaves a live one and other modules' runs", async () => {
    const { module, other, services } = await setUp();
    const dead = await runningRow(module.key, -5);
    const live = await runningRow(module.key, 600);
    const otherDead = await runningRow(other.key, -5);

    const summary = await services.posting.post(cliActor, module.key);
    expect(summary.outcome).toBe("completed");

    expect(await run(dead)).toMatchObject({ outcome: "failed", error: STOPPED_RUN_ERROR });
    expect((await run(dead)).finished_at).not.toBeNull();
    expect(await run(live)).toMatchObject({ outcome: "running", error: null, finished_at: null });
    // Another module's run is closed by its own next run or the scheduler, not by this one.
    expect((await run(otherDead)).outcome).toBe("running");
    // The run itself had a heartbeat and was closed by its own end.
    const own = await run(summary.runId!);
    expect(own.outcome).toBe("completed");
    expect(own.alive_until).not.toBeNull();

    const runs = await repositories(t.ctx.db).posting.runs(module.key, 10);
    expect(runs.find((r) => r.id === dead)).toMatchObject({
      outcome: "failed",
      error: "stopped: its process ended",
    });
  });

  it("the serve scheduler's tick closes the runs of ended processes of every module, once", async () => {
    const { module, other, services } = await setUp();
    const dead = await runningRow(module.key, -5);
    const otherDead = await runningRow(other.key, -1);
    const live = await runningRow(other.key, 600);
    const closed: number[] = [];
    const scheduler = new SyncScheduler(t.ctx, services.sync, {
      onTick: async () => closed.push(await services.posting.expireStaleRuns()),
    });
    await scheduler.tick();
    expect(closed).toEqual([2]);
    expect((await run(dead)).outcome).toBe("failed");
    expect((await run(otherDead)).outcome).toBe("failed");
    expect((await run(live)).outcome).toBe("running");
    await scheduler.tick();
    expect(closed).toEqual([2, 0]);
    // Each closed run wrote one posting.failed alert with its close (issue 14), not again.
    const alerts = await t.ctx.db
      .selectFrom("outbox_events")
      .selectAll()
      .where("type", "=", "posting.failed")
      .execute();
    expect(alerts.map((e) => (e.data as { runId: string }).runId).sort()).toEqual([dead, otherDead].sort());
    expect(alerts[0]?.data).toMatchObject({ outcome: "failed", error: STOPPED_RUN_ERROR, failedCount: 0 });
  });
});
