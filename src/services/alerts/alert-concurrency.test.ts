import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHookReceiver } from "../../../test/support/alert-receivers.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import { repositories } from "../../db/repositories.ts";
import { cliActor } from "../../domain/actor.ts";
import { createServices } from "../index.ts";
import { checkOverdueSyncs } from "./alert-fanout.ts";
import { AlertWorker } from "./alert-worker.ts";

/**
 * Several workers over one database (on PostgreSQL: separate connections, as two server processes
 * have): each event is fanned out once and each delivery sent once.
 */
describe("alert workers side by side", () => {
  const t = useTestContext();
  let hook: Awaited<ReturnType<typeof startHookReceiver>>;
  beforeAll(async () => {
    hook = await startHookReceiver();
  });
  afterAll(() => hook.close());

  it("three workers draining 150 events at once send each event exactly once", async () => {
    const services = createServices(t.ctx);
    await services.alertChannels.create(cliActor, {
      kind: "webhook",
      name: "Ops",
      url: hook.url,
      format: "json",
      eventTypes: ["sync.failed"],
      allowPrivate: true,
      maxFailures: 10,
    });
    const ids = await repositories(t.ctx.db).outbox.insert(
      Array.from({ length: 150 }, (_, i) => ({
        type: "sync.failed" as const,
        data: { runId: `r${i}`, moduleKey: null, name: "the PSA", error: null },
      })),
      t.ctx.clock.now(),
    );
    const workers = ["p1", "p2", "p3"].map(
      (owner) => new AlertWorker(t.ctx, services.secretBox, { owner, batch: 10, webhookTimeoutMs: 30_000 }),
    );
    // A worker stops when it finds nothing free to claim while the others still send: go round again.
    for (let round = 0; round < 5 && hook.received.length < 150; round++) {
      await Promise.all(workers.map((w) => w.drain()));
    }
    expect(hook.ids().sort()).toEqual([...ids].sort());
    expect(new Set(hook.ids()).size).toBe(150);
    expect(await repositories(t.ctx.db).alertDeliveries.countByStatus()).toEqual({ delivered: 150 });
  });

  it("an overdue module gets one sync.overdue event per gap, however often it is checked", async () => {
    await t.ctx.db
      .insertInto("modules")
      .values({
        key: "itglue",
        name: "IT Glue",
        connector_kind: "file",
        created_at: new Date("2026-01-01T00:00:00Z"),
      })
      .execute();
    await t.ctx.db
      .insertInto("sync_runs")
      .values({
        module_key: "itglue",
        trigger: "manual",
        started_at: new Date("2026-01-13T10:00:00Z"),
        finished_at: new Date("2026-01-13T10:05:00Z"),
        outcome: "succeeded",
      })
      .execute();
    // 10:00 on the 15th: the last success is 48 h old.
    await Promise.all([
      checkOverdueSyncs(t.ctx, 36),
      checkOverdueSyncs(t.ctx, 36),
      checkOverdueSyncs(t.ctx, 36),
    ]);
    const events = await t.ctx.db.selectFrom("outbox_events").selectAll().execute();
    expect(events.map((e) => e.data)).toEqual([
      {
        moduleKey: "itglue",
        moduleName: "IT Glue",
        lastSuccessAt: "2026-01-13T10:05:00.000Z",
        thresholdHours: 36,
      },
    ]);
    expect(await checkOverdueSyncs(t.ctx, 72)).toBe(0);
  });
});
