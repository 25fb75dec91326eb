import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { buildModule } from "../../../test/support/factories.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import { startItGlueServer } from "../../../test/vendors/itglue.server.ts";
import type { VendorServer } from "../../../test/vendors/vendor-server.ts";
import { SyncRunRepository } from "../../db/sync-run.repository.ts";
import { cliActor } from "../../domain/actor.ts";
import { AppError } from "../../domain/errors.ts";
import { createServices } from "../index.ts";

async function waitFor(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("sync leases and secrets", () => {
  const t = useTestContext();

  /** An IT Glue that answers page 1 and then never answers page 2. */
  async function hangingModule(key: string): Promise<VendorServer> {
    await buildModule(t.ctx.db, { key });
    const server = await startItGlueServer({
      count: 30,
      faults: [{ fault: { kind: "hang" }, page: 2, times: Infinity }],
    });
    await createServices(t.ctx).syncConfig.configureModule(cliActor, key, {
      connector: {
        kind: "itglue",
        settings: { baseUrl: server.url, pageSize: 10, requestTimeoutMs: 60_000 },
        secrets: { apiKey: "itg-test-key" },
      },
    });
    return server;
  }

  it("one module never has two runs: a second claim (another process) gets 409 while the first runs", async () => {
    const server = await hangingModule("itglue");
    const first = createServices(t.ctx, { sync: { owner: "process-a" } }).sync;
    const second = createServices(t.ctx, { sync: { owner: "process-b" } }).sync;
    try {
      const started = await first.startModuleSync("itglue", "manual");
      await waitFor(() => server.requests.some((r) => r.page === 2));
      const refused = await second.startModuleSync("itglue", "manual").catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppError);
      expect((refused as AppError).status).toBe(409);
      expect((refused as AppError).details).toEqual({ runId: started.runId });
      const running = await t.ctx.db
        .selectFrom("sync_runs")
        .selectAll()
        .where("outcome", "=", "running")
        .execute();
      expect(running.map((r) => [r.id, r.lease_owner])).toEqual([[started.runId, "process-a"]]);
      expect((await first.getRun(started.runId)).counts.seen).toBe(10);

      await first.close();
      const closed = await started.done;
      expect(closed.outcome).toBe("failed");
      expect(closed.error).toMatch(/interrupted/);
      expect(closed.counts.missing).toBe(0);
    } finally {
      await first.close();
      await server.close();
    }
  });

  it("a run whose process stopped (lease expired) is closed as failed by the next claim", async () => {
    await buildModule(t.ctx.db, { key: "graphus" });
    const runs = new SyncRunRepository(t.ctx.db);
    const dead = await runs.claim({
      scope: "graphus",
      trigger: "schedule",
      owner: "dead-process",
      leaseMs: 60_000,
      startedAt: t.ctx.clock.now(),
    });
    const sync = createServices(t.ctx, { sync: { owner: "alive" } }).sync;
    await createServices(t.ctx).syncConfig.configureModule(cliActor, "graphus", {
      connector: { kind: "file", settings: { path: "/nonexistent/graphus.csv" } },
    });
    const refused = await sync.startModuleSync("graphus", "manual").catch((e: unknown) => e);
    expect((refused as AppError).status).toBe(409);
    // The dead process's lease runs out.
    await t.ctx.db
      .updateTable("sync_runs")
      .set({ lease_expires_at: new Date(Date.now() - 1000) })
      .execute();
    const next = await sync.syncModule("graphus", "manual");
    expect(next.outcome).toBe("failed");
    expect(await sync.getRun(dead!.id)).toMatchObject({
      outcome: "failed",
      error: "stale lease: process stopped",
    });
  });

  it("a run that lost its lease to another process stops and marks nothing missing", async () => {
    const server = await hangingModule("datto");
    const slow = createServices(t.ctx, { sync: { owner: "paused-process", leaseMs: 300 } }).sync;
    const other = createServices(t.ctx, { sync: { owner: "other-process" } }).sync;
    try {
      const started = await slow.startModuleSync("datto", "manual");
      await waitFor(() => server.requests.some((r) => r.page === 2));
      await t.ctx.db
        .updateTable("sync_runs")
        .set({ lease_expires_at: new Date(Date.now() - 1000), lease_owner: "paused-process" })
        .where("id", "=", started.runId)
        .execute();
      await expect(other.expireStaleRuns()).resolves.toBe(1);
      const result = await started.done;
      expect(result).toMatchObject({ outcome: "failed", error: "stale lease: process stopped" });
      const missing = await t.ctx.db
        .selectFrom("module_organizations")
        .where("status", "=", "missing")
        .execute();
      expect(missing).toHaveLength(0);
    } finally {
      await slow.close();
      await server.close();
    }
  });

  it("secrets are sealed in the database, absent from answers and from every log line", async () => {
    const secret = "ITG.very-secret-value-4711";
    const lines: string[] = [];
    const log = pino(
      { level: "trace" },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const ctx = { ...t.ctx, log };
    await buildModule(t.ctx.db, { key: "itglue" });
    const server = await startItGlueServer({ count: 5, apiKey: secret });
    try {
      const sync = createServices(ctx).sync;
      await createServices(ctx).syncConfig.configureModule(cliActor, "itglue", {
        connector: { kind: "itglue", settings: { baseUrl: server.url }, secrets: { apiKey: secret } },
      });
      expect((await sync.syncModule("itglue", "manual")).counts.added).toBe(5);
      // A wrong key fails; the error and the log must not carry either key.
      await createServices(ctx).syncConfig.configureModule(cliActor, "itglue", {
        connector: {
          kind: "itglue",
          settings: { baseUrl: server.url, maxAttempts: 1 },
          secrets: { apiKey: `${secret}-wrong` },
        },
      });
      const failed = await sync.syncModule("itglue", "manual");
      expect(failed.outcome).toBe("failed");
      expect(failed.error).not.toContain(secret);

      const row = await t.ctx.db
        .selectFrom("modules")
        .selectAll()
        .where("key", "=", "itglue")
        .executeTakeFirstOrThrow();
      expect(row.connector_secrets).toMatch(/^v1:/);
      expect(JSON.stringify(row)).not.toContain("very-secret");
      const audit = await t.ctx.db.selectFrom("audit_events").selectAll().execute();
      expect(JSON.stringify(audit)).not.toContain("very-secret");
      const view = await createServices(ctx).modules.get("itglue");
      expect(view.connector).toEqual({ kind: "itglue", settings: expect.any(Object), hasSecrets: true });
      expect(JSON.stringify(view)).not.toContain("very-secret");
      expect(lines.length).toBeGreaterThan(2);
      expect(lines.join("")).not.toContain("very-secret");
    } finally {
      await server.close();
    }
  });
});
