import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildModule, buildOrganization } from "../../../test/support/factories.ts";
import { exited, startOrgmap } from "../../../test/support/orgmap-process.ts";
import { testServerUrl, useTestContext } from "../../../test/support/test-context.ts";
import { startItGlueServer } from "../../../test/vendors/itglue.server.ts";
import type { VendorServer } from "../../../test/vendors/vendor-server.ts";
import { cliActor } from "../../domain/actor.ts";
import { createServices } from "../index.ts";

/**
 * Real orgmap processes on one PostgreSQL database: the lease keeps one run per module across
 * processes, and a process killed mid-sync leaves a run that the next process closes as failed.
 * These need a PostgreSQL server (TEST_DATABASE_URL or DATABASE_URL; `npm run test:postgres`); they
 * fail, not skip, when that server cannot be reached.
 */
const LEASE_SECONDS = 2;

async function until<T>(
  check: () => T | undefined | Promise<T | undefined>,
  ms: number,
  what: string,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!testServerUrl())("sync across real processes on PostgreSQL", () => {
  const t = useTestContext();
  const dataDir = mkdtempSync(join(tmpdir(), "orgmap-proc-"));
  const children: ChildProcess[] = [];
  const servers: VendorServer[] = [];
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await Promise.all(servers.map((s) => s.close()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  function orgmap(args: string[]): ChildProcess & { output: () => string } {
    const child = startOrgmap(args, {
      DATABASE_URL: t.ctx.config.databaseUrl,
      ORGMAP_SECRET_KEY: t.ctx.config.secretKey,
      ORGMAP_DATA_DIR: dataDir,
      ORGMAP_LOG_LEVEL: "warn",
      ORGMAP_SYNC_LEASE_SECONDS: String(LEASE_SECONDS),
    });
    children.push(child);
    return child;
  }

  async function itGlueModule(key: string, options: { hangOnPage?: number } = {}) {
    const server = await startItGlueServer({
      count: 30,
      ...(options.hangOnPage
        ? { faults: [{ fault: { kind: "hang" as const }, page: options.hangOnPage, times: Infinity }] }
        : {}),
    });
    servers.push(server);
    await createServices(t.ctx).syncConfig.configureModule(cliActor, key, {
      connector: {
        kind: "itglue",
        settings: { baseUrl: server.url, pageSize: 10, requestTimeoutMs: 120_000 },
        secrets: { apiKey: "itg-test-key" },
      },
    });
    return server;
  }

  it("two server processes never run two syncs of one module at once", async () => {
    await buildModule(t.ctx.db, { key: "itglue" });
    await itGlueModule("itglue", { hangOnPage: 2 });
    const services = createServices(t.ctx);
    await services.auth.createUser(cliActor, {
      username: "admin",
      role: "admin",
      password: "correct horse battery",
    });
    const { token } = await services.auth.createToken(cliActor, { name: "procs", role: "admin" });
    const a = orgmap(["serve", "--port", "0"]);
    const b = orgmap(["serve", "--port", "0"]);
    const urlOf = (child: typeof a) =>
      until(
        () => /running at (http:\/\/\S+)/.exec(child.output())?.[1],
        30_000,
        `a server to start: ${child.output()}`,
      );
    const [urlA, urlB] = await Promise.all([urlOf(a), urlOf(b)]);
    const post = (base: string) =>
      fetch(`${base}/api/v1/modules/itglue/sync`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      });
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all([post(urlA), post(urlB), post(urlA), post(urlB)]);
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual(round === 0 ? [202, 409, 409, 409] : [409, 409, 409, 409]);
      const running = await t.ctx.db
        .selectFrom("sync_runs")
        .selectAll()
        .where("outcome", "=", "running")
        .execute();
      expect(running).toHaveLength(1);
    }
    a.kill("SIGTERM");
    b.kill("SIGTERM");
    await Promise.all([exited(a), exited(b)]);
    const runs = await t.ctx.db.selectFrom("sync_runs").selectAll().execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ outcome: "failed", error: expect.stringMatching(/interrupted/) });
  }, 90_000);

  it("a process killed mid-sync leaves the run failed (stale lease) and the previous data intact", async () => {
    await buildModule(t.ctx.db, { key: "itglue" });
    await itGlueModule("itglue");
    const sync = createServices(t.ctx).sync;
    expect((await sync.syncModule("itglue", "manual")).counts.added).toBe(30);
    const first = await t.ctx.db
      .selectFrom("module_organizations")
      .selectAll()
      .orderBy("external_id")
      .executeTakeFirstOrThrow();
    const org = await buildOrganization(t.ctx.db, { name: "Acme" });
    await createServices(t.ctx).mapping.map(cliActor, first.id, org.id);

    const slow = await itGlueModule("itglue", { hangOnPage: 2 });
    const victim = orgmap(["sync", "itglue"]);
    await until(
      () => slow.requests.some((r) => r.page === 2) || undefined,
      30_000,
      "the sync to reach page 2",
    );
    victim.kill("SIGKILL");
    await exited(victim);

    const killed = await t.ctx.db
      .selectFrom("sync_runs")
      .selectAll()
      .where("trigger", "=", "cli")
      .executeTakeFirstOrThrow();
    expect(killed.outcome).toBe("running");
    const afterKill = await t.ctx.db.selectFrom("module_organizations").selectAll().execute();
    expect(afterKill).toHaveLength(30);
    expect(afterKill.filter((r) => r.status === "missing")).toHaveLength(0);
    expect(await t.ctx.db.selectFrom("mappings").selectAll().execute()).toHaveLength(1);

    // A new process: waits while the dead run's lease is valid, then closes it and syncs.
    await itGlueModule("itglue");
    const next = orgmap(["sync", "itglue", "--wait"]);
    await exited(next);
    expect(next.exitCode, next.output()).toBe(0);
    const runs = await sync.listRuns({ moduleKey: "itglue" }, { limit: 10 });
    expect(runs.items.map((r) => [r.trigger, r.outcome, r.error])).toEqual([
      ["cli", "succeeded", null],
      ["cli", "failed", "stale lease: process stopped"],
      ["manual", "succeeded", null],
    ]);
    const rows = await t.ctx.db.selectFrom("module_organizations").selectAll().execute();
    expect(rows).toHaveLength(30);
    expect(rows.every((r) => r.status === "active")).toBe(true);
    expect(
      (await t.ctx.db.selectFrom("mappings").selectAll().execute()).map((m) => m.organization_id),
    ).toEqual([org.id]);
  }, 90_000);
});
