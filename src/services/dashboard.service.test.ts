import { describe, expect, it } from "vitest";
import { billingWorld, psaData } from "../../test/support/billing-world.ts";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../test/support/factories.ts";
import { useTestApp } from "../../test/support/test-app.ts";
import { repositories } from "../db/repositories.ts";
import type { SyncCounts } from "../db/schema.ts";
import { cliActor } from "../domain/actor.ts";
import { RECONCILIATION_STATES } from "../domain/billing/reconciliation.ts";

/** Issue 9 item 7: the dashboard's unmapped counts, their 90-day trend from the sync runs, last syncs. */
describe("dashboard", () => {
  const t = useTestApp();
  const counts = { seen: 0, added: 0, renamed: 0, missing: 0, returned: 0, rejected: 0, requests: 0 };

  /** A finished run of a module (or the PSA: null) with the unmapped count it ended with. */
  async function run(
    scope: string | null,
    startedAt: string,
    outcome: "succeeded" | "failed",
    unmappedAtEnd?: number,
  ) {
    const repos = repositories(t.ctx.db);
    const started = new Date(startedAt);
    const claimed = await repos.syncRuns.claim({
      scope,
      trigger: "schedule",
      owner: "test",
      leaseMs: 60_000,
      startedAt: started,
    });
    const runCounts: SyncCounts = unmappedAtEnd === undefined ? counts : { ...counts, unmappedAtEnd };
    await repos.syncRuns.finish(claimed!.id, "test", {
      outcome,
      finishedAt: new Date(started.getTime() + 60_000),
      counts: runCounts,
      error: outcome === "failed" ? "HTTP 500" : null,
      rejected: [],
    });
    return claimed!.id;
  }

  it("gives per module the unmapped count now, the day's last succeeded run's count per day in the instance's zone, and the last sync", async () => {
    t.ctx.clock.set("2026-03-31T12:00:00Z");
    await t.services.settings.update(cliActor, { timeZone: "Europe/Berlin" });
    const rmm = await buildModule(t.ctx.db, { key: "rmm", name: "Datto RMM" });
    await buildModule(t.ctx.db, { key: "saas", name: "SaaS Protection", state: "awaiting_first_sync" });
    const org = await buildOrganization(t.ctx.db);
    const mapped = await buildModuleOrganization(t.ctx.db, rmm.key);
    await buildModuleOrganization(t.ctx.db, rmm.key);
    await buildModuleOrganization(t.ctx.db, rmm.key);
    await t.services.mapping.map(cliActor, mapped.id, org.id);

    await run("rmm", "2025-12-20T02:00:00Z", "succeeded", 99); // older than 90 days: left out
    await run("rmm", "2026-03-01T02:00:00Z", "succeeded", 7);
    await run("rmm", "2026-03-01T14:00:00Z", "succeeded", 5); // the day's last run wins
    await run("rmm", "2026-03-02T02:00:00Z", "succeeded"); // a run from before unmappedAtEnd: no point, never 0
    await run("rmm", "2026-03-03T22:30:00Z", "succeeded", 4); // 23:31 in Berlin: still 3 March
    await run("rmm", "2026-03-04T23:30:00Z", "succeeded", 3); // 00:31 in Berlin: 5 March
    await run("rmm", "2026-03-06T02:00:00Z", "failed", 1); // a failed run is no point
    const lastId = await run("rmm", "2026-03-30T02:00:00Z", "failed");
    const psaId = await run(null, "2026-03-30T01:00:00Z", "succeeded");

    const view = await t.services.dashboard.get();
    expect(view).toMatchObject({ timeZone: "Europe/Berlin", trendFrom: "2026-01-01", trendTo: "2026-03-31" });
    expect(view.psaLastSync).toMatchObject({ id: psaId, outcome: "succeeded" });
    const byKey = new Map(view.modules.map((m) => [m.key, m]));
    expect(byKey.get("rmm")).toMatchObject({
      name: "Datto RMM",
      state: "ready",
      unmapped: 2,
      trend: [
        { day: "2026-03-01", unmapped: 5 },
        { day: "2026-03-03", unmapped: 4 },
        { day: "2026-03-05", unmapped: 3 },
      ],
      lastSync: { id: lastId, outcome: "failed", error: "HTTP 500", startedAt: "2026-03-30T02:00:00.000Z" },
    });
    expect(byKey.get("saas")).toMatchObject({
      state: "awaiting_first_sync",
      unmapped: 0,
      trend: [],
      lastSync: null,
    });
  });

  it("gives the reconciliation totals by state with their money for the current and the previous period", async () => {
    const w = billingWorld(t);
    // Settings outlive a test in the shared database: say which ones this test reads.
    await t.services.settings.update(cliActor, { timeZone: "UTC", currency: "USD", locale: "en-US" });
    const org = await w.organization("P1", "Under");
    await w.module("rmm");
    const site = await w.moduleOrganization("rmm", "s1");
    await w.map(site.id, org.id, "2026-10-01T00:00:00Z");
    await w.contracts(
      psaData(
        [{ id: "s-dev", name: "Managed device", price: "10.00" }],
        [{ organizationPsaId: "P1", lines: [{ serviceId: "s-dev", units: 8 }] }],
      ),
    );
    await w.serviceMapping("rmm", "devices", "s-dev");
    await w.read("rmm", "2026-11-20T03:00:00Z", { s1: 10 });
    t.ctx.clock.set("2026-11-20T12:00:00Z");

    const view = await t.services.dashboard.get();
    expect(view).toMatchObject({ currency: "USD", locale: "en-US" });
    expect(view.periods.map((p) => [p.key, p.isCurrent])).toEqual([
      ["2026-11", true],
      ["2026-10", false],
    ]);
    for (const period of view.periods) {
      expect(period.totals.map((total) => total.state)).toEqual(RECONCILIATION_STATES);
    }
    expect(view.periods[0]?.totals.find((total) => total.state === "under_billed")).toMatchObject({
      rows: 1,
      units: 2,
      money: "20.00",
    });
    expect(view.periods[1]?.totals.find((total) => total.state === "under_billed")?.rows).toBe(0);
  });

  it("answers GET /dashboard to a viewer with the same view", async () => {
    await buildModule(t.ctx.db, { key: "rmm" });
    const viewer = await t.loginAs("viewer");
    const res = await t.request(viewer, { method: "GET", url: "/api/v1/dashboard" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(await t.services.dashboard.get())));
  });
});
