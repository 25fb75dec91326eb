import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHookReceiver } from "../../../test/support/alert-receivers.ts";
import { exited, type OrgmapProcess, startOrgmap, until } from "../../../test/support/orgmap-process.ts";
import { testServerUrl, useTestContext } from "../../../test/support/test-context.ts";
import { repositories } from "../../db/repositories.ts";
import { cliActor } from "../../domain/actor.ts";
import { createServices } from "../index.ts";

/**
 * Alert delivery with real `orgmap serve` processes on one PostgreSQL database (issue 14 item 4):
 * a process killed (SIGKILL) mid-delivery, five times over, loses no event (its leases expire and
 * the next process sends again, with the same event id); two processes never send one event twice.
 * PostgreSQL only (PGlite is one process's database); they fail, not skip, when it is unreachable.
 */
describe.skipIf(!testServerUrl())("alert delivery across real processes on PostgreSQL", () => {
  const t = useTestContext();
  const dataDir = mkdtempSync(join(tmpdir(), "orgmap-alert-proc-"));
  const children: OrgmapProcess[] = [];
  let hook: Awaited<ReturnType<typeof startHookReceiver>>;
  /** What the receiver does now, and the event ids it answered 200 to. */
  let mode: "hang" | 200 = 200;
  const okIds: string[] = [];

  beforeAll(async () => {
    hook = await startHookReceiver();
    hook.answer((n) => {
      if (mode === 200) okIds.push(String(hook.received[n - 1]?.headers["x-orgmap-event-id"]));
      return mode;
    });
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await hook.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const serve = (env: Record<string, string> = {}) => {
    const child = startOrgmap(["serve", "--port", "0"], {
      DATABASE_URL: t.ctx.config.databaseUrl,
      ORGMAP_SECRET_KEY: t.ctx.config.secretKey,
      ORGMAP_DATA_DIR: dataDir,
      ORGMAP_LOG_LEVEL: "warn",
      ...env,
    });
    children.push(child);
    return child;
  };

  async function eventsToDeliver(count: number): Promise<string[]> {
    hook.received.length = 0;
    okIds.length = 0;
    await createServices(t.ctx).alertChannels.create(cliActor, {
      kind: "webhook",
      name: "Process hook",
      url: hook.url,
      format: "json",
      eventTypes: ["sync.failed"],
      allowPrivate: true,
      maxFailures: 1000,
    });
    return repositories(t.ctx.db).outbox.insert(
      Array.from({ length: count }, (_, i) => ({
        type: "sync.failed",
        data: { runId: `run-${i}`, moduleKey: null, name: "the PSA", error: "test" },
      })),
      t.ctx.clock.now(),
    );
  }

  const delivered = async () =>
    Number(
      (
        await t.ctx.db
          .selectFrom("alert_deliveries")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("status", "=", "delivered")
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** Every request carried one of the events, with the same id in its header and its body. */
  function expectOnlyKnownIds(ids: readonly string[]) {
    for (const request of hook.received) {
      const header = String(request.headers["x-orgmap-event-id"]);
      expect(ids).toContain(header);
      expect((JSON.parse(request.body) as { id: string }).id).toBe(header);
    }
  }

  it("kill -9 mid-delivery five times: every event is delivered, repeats carry the same id", async () => {
    const ids = await eventsToDeliver(20);
    mode = "hang";
    for (let kill = 0; kill < 5; kill++) {
      const before = hook.received.length;
      const victim = serve({ ORGMAP_ALERT_LEASE_SECONDS: "2" });
      // Mid-delivery: the receiver holds requests of this process open when it is killed.
      await until(
        () => hook.received.length > before,
        60_000,
        () => `process ${kill + 1} to send: ${victim.output()}`,
      );
      victim.kill("SIGKILL");
      await exited(victim);
    }
    expect(await delivered()).toBe(0);
    mode = 200;
    const last = serve({ ORGMAP_ALERT_LEASE_SECONDS: "2" });
    await until(
      async () => (await delivered()) === ids.length,
      90_000,
      () => `every delivery: ${last.output()}`,
    );
    last.kill("SIGTERM");
    await exited(last);

    expect(new Set(okIds)).toEqual(new Set(ids));
    expectOnlyKnownIds(ids);
    // Five killed processes each sent before dying: repeats happened, and none was lost.
    expect(hook.received.length).toBeGreaterThan(ids.length);
  }, 240_000);

  it("two server processes deliver every event once, never twice", async () => {
    const ids = await eventsToDeliver(150);
    mode = 200;
    const a = serve();
    const b = serve();
    await until(
      async () => (await delivered()) === ids.length,
      90_000,
      () => `${a.output()}\n${b.output()}`,
    );
    a.kill("SIGTERM");
    b.kill("SIGTERM");
    await Promise.all([exited(a), exited(b)]);
    expect(okIds).toHaveLength(ids.length);
    expect(new Set(okIds)).toEqual(new Set(ids));
    expect(hook.received).toHaveLength(ids.length);
    expectOnlyKnownIds(ids);
    const owners = await t.ctx.db.selectFrom("alert_deliveries").select("attempts").execute();
    expect(owners.every((row) => row.attempts === 1)).toBe(true);
  }, 180_000);
});
