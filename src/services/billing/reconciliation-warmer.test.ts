import { describe, expect, it, vi } from "vitest";
import { billingWorld, psaData } from "../../../test/support/billing-world.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import { parsePeriodKey } from "../../domain/billing/period.ts";
import { SettingsService } from "../settings.service.ts";
import { ReconciliationService } from "./reconciliation.service.ts";
import { ReconciliationWarmer } from "./reconciliation-warmer.ts";

const SERVICES = [{ id: "s-dev", name: "Managed device", price: "12.50" }];

describe("ReconciliationWarmer", () => {
  const t = useTestContext();
  const w = billingWorld(t);

  it("brings the current and the previous period up to date in the background, so the page's read computes nothing", async () => {
    const a = await w.organization("A", "Alpha");
    const b = await w.organization("B", "Beta");
    await w.module("rmm");
    const site = await w.moduleOrganization("rmm", "site-1");
    await w.contracts(
      psaData(SERVICES, [{ organizationPsaId: "A", lines: [{ serviceId: "s-dev", units: 4 }] }]),
    );
    await w.serviceMapping("rmm", "devices", "s-dev");
    await w.map(site.id, a.id, "2026-10-01T00:00:00Z");
    await w.read("rmm", "2026-11-02T02:00:00Z", { "site-1": 10 });
    t.ctx.clock.set("2026-11-20T12:00:00Z");
    await w.read("rmm", "2026-11-20T02:00:00Z", { "site-1": 10 });
    // Any change is changed in place (one module organization: a change reaches all of them).
    const reconciliation = new ReconciliationService(t.ctx, new SettingsService(t.ctx), {
      deltaReachLimit: 1,
    });
    const warmer = new ReconciliationWarmer(t.ctx, reconciliation);

    warmer.poke();
    await warmer.settled();
    expect(warmer.lastPass.map((p) => [p.period, p.outcome])).toEqual([
      ["2026-11", "whole"],
      ["2026-10", "whole"],
    ]);
    warmer.poke();
    await warmer.settled();
    expect(warmer.lastPass.map((p) => p.outcome)).toEqual(["current", "current"]);

    // A mapping change: the next pass changes the snapshot in place, and the page reads it as stored.
    await w.map(site.id, b.id, "2026-11-20T13:00:00Z");
    t.ctx.clock.set("2026-11-20T14:00:00Z");
    warmer.poke();
    await warmer.settled();
    expect(warmer.lastPass[0]).toMatchObject({ period: "2026-11", outcome: "changes" });
    const refreshed = reconciliation.lastRefresh;
    const { items } = await reconciliation.list(
      { period: "2026-11" },
      { sort: "attention", limit: 100, offset: 0 },
    );
    expect(reconciliation.lastRefresh).toBe(refreshed);
    expect(items.find((row) => row.key === `o:${b.id}:s:s-dev`)).toMatchObject({ desiredUnits: 10 });
  });
});

describe("ReconciliationWarmer, one pass at a time", () => {
  const log = () => ({ info: vi.fn(), error: vi.fn() });
  const reconciliationWith = (ensure: (key?: string) => Promise<unknown>) => ({
    period: async () => parsePeriodKey("2026-11", "UTC"),
    ensure: ensure as never,
    lastRefresh: null,
  });

  it("a poke during a pass asks for one more pass after it, not one per poke", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ensure = vi.fn(async (_key?: string) => {
      await gate;
    });
    const warmer = new ReconciliationWarmer({ log: log() as never }, reconciliationWith(ensure));
    warmer.poke();
    warmer.poke();
    warmer.poke();
    release();
    await warmer.settled();
    // Two passes of two periods each.
    expect(ensure.mock.calls.map(([key]) => key)).toEqual(["2026-11", "2026-10", "2026-11", "2026-10"]);
  });

  it("logs a failed pass and does not throw: the page computes on its read as before", async () => {
    const logger = log();
    const warmer = new ReconciliationWarmer(
      { log: logger as never },
      reconciliationWith(async () => {
        throw new Error("database gone");
      }),
    );
    warmer.poke();
    await expect(warmer.settled()).resolves.toBeUndefined();
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(String(logger.error.mock.calls[0]?.[1])).toMatch(/background/);
  });
});
