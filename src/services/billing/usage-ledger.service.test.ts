import { describe, expect, it } from "vitest";
import { buildModule } from "../../../test/support/factories.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import type { Db } from "../../db/database.ts";
import { repositories } from "../../db/repositories.ts";
import { attributeUsage } from "../../domain/billing/attribution.ts";
import { desiredUnits } from "../../domain/billing/desired-units.ts";
import {
  applyReadings,
  decideLedgerWrite,
  type UnknownReason,
  type UsageInterval,
} from "../../domain/billing/usage-ledger.ts";
import {
  ledgerInputs,
  type ModuleUsageReading,
  type UsageReadResult,
} from "../../domain/billing/usage-read.ts";
import { seededRandom } from "../demo/demo-data.ts";
import { UsageLedgerService } from "./usage-ledger.service.ts";

const TYPES = ["devices", "devices.server", "devices.laptop"];
const SITES = 400;
const PAIRS = SITES * TYPES.length;
const night = (n: number) => new Date(Date.UTC(2026, 10, n, 2));

async function moduleWith(db: Db, count: number) {
  const module = await buildModule(db);
  const records = Array.from({ length: count }, (_, i) => ({
    externalId: `site-${i}`,
    name: `Site ${i}`,
    parentExternalId: null,
    attributes: {},
  }));
  await repositories(db).moduleOrganizations.upsertMany(module.key, records, night(1));
  return module.key;
}

const complete = (readings: ModuleUsageReading[]): UsageReadResult => ({
  kind: "complete",
  readings,
  rejected: [],
  requestCount: 3,
});

describe("recordUsageRead", () => {
  const t = useTestContext();
  const moduleWithSites = (count: number) => moduleWith(t.ctx.db, count);

  it("writes only the changes over 30 nights in which 5% of quantities change", async () => {
    // 400 x 3 pairs: the first night opens more than 1,000, so the ledger's statistics are refreshed too.
    const moduleKey = await moduleWithSites(SITES);
    const service = new UsageLedgerService(t.ctx);
    const next = seededRandom(7);
    const quantities = new Map<string, number>();
    for (let i = 0; i < SITES; i++)
      for (const type of TYPES) quantities.set(`site-${i}\u0000${type}`, i % 40);
    const model = new Map<string, UsageInterval[]>();
    let changedInTotal = 0;
    for (let n = 1; n <= 30; n++) {
      if (n > 1) {
        for (const [key, quantity] of quantities) {
          if (next() < 0.05) quantities.set(key, quantity + 1 + Math.floor(next() * 5));
        }
      }
      const readings = [...quantities].map(([key, quantity]) => {
        const [externalId, billingType] = key.split("\u0000") as [string, string];
        return { externalId, billingType, quantity };
      });
      const { counts } = await service.recordUsageRead(moduleKey, null, complete(readings), {
        readAt: night(n),
      });
      for (const [key, quantity] of quantities) {
        model.set(key, applyReadings(model.get(key) ?? [], [{ quantity, readAt: night(n) }]));
      }
      if (n === 1) expect(counts).toMatchObject({ opened: PAIRS, changed: 0, unchanged: 0 });
      else expect(counts.opened).toBe(0);
      expect(counts.changed + counts.unchanged + counts.opened).toBe(PAIRS);
      changedInTotal += counts.changed;
    }
    const modelRows = [...model.values()].reduce((sum, intervals) => sum + intervals.length, 0);
    const rows = await repositories(t.ctx.db).usageLedger.countRows(moduleKey);
    expect(changedInTotal).toBeGreaterThan(0.04 * PAIRS * 29);
    expect(rows).toBe(PAIRS + changedInTotal);
    expect(rows).toBe(modelRows);
    expect(rows).toBeLessThan(PAIRS * 30 * 0.1);
  }, 120_000); // 30 nights, each its own transaction: over 30 s on PostgreSQL on a loaded machine

  it("stores an unknown reading as unknown, never 0, and keeps the last known quantity at hand", async () => {
    const moduleKey = await moduleWithSites(2);
    const service = new UsageLedgerService(t.ctx);
    const repos = repositories(t.ctx.db);
    await service.recordUsageRead(
      moduleKey,
      null,
      complete([
        { externalId: "site-0", billingType: "devices", quantity: 12 },
        { externalId: "site-1", billingType: "devices", quantity: 4 },
      ]),
      { readAt: night(1) },
    );
    const failed = await service.recordUsageRead(
      moduleKey,
      null,
      { kind: "failed", error: "HTTP 500", requestCount: 4 },
      { readAt: night(10) },
    );
    expect(failed.counts).toMatchObject({ unknown: 2, changed: 2, unchanged: 0 });
    const site0 = (await repos.moduleOrganizations.findByExternalIds(moduleKey, ["site-0"]))[0]!;
    const history = await repos.usageLedger.history(site0.id, "devices");
    expect(history.map((h) => [h.quantity, h.unknownReason])).toEqual([
      [12, null],
      [null, "failed"],
    ]);
    expect(history.some((h) => h.quantity === 0)).toBe(false);
    // A second failed night is no new fact: nothing written.
    const again = await service.recordUsageRead(
      moduleKey,
      null,
      { kind: "failed", error: "timeout", requestCount: 1 },
      { readAt: night(11) },
    );
    expect(again.counts).toMatchObject({ unknown: 2, unchanged: 2, changed: 0 });

    // The period's query brings the last known interval even though it ended before the period.
    const december = { start: new Date(Date.UTC(2026, 11, 1)), end: new Date(Date.UTC(2027, 0, 1)) };
    const intervals = await repos.usageLedger.intervalsForPeriod([site0.id], december);
    expect(intervals.map((i) => i.quantity)).toEqual([12, null]);
    const segments = attributeUsage(december, [], intervals);
    const [units] = desiredUnits(december, "latest", [{ moduleOrganizationId: site0.id, segments }]);
    expect(units).toMatchObject({ units: 12, isStale: true });

    const last = await repos.usageLedger.lastUsageRead(moduleKey);
    expect(last).toMatchObject({ outcome: "failed", error: "timeout", request_count: 1 });
  });

  it("makes a pair the complete read left out unknown (skipped), and rejects readings for no module organization", async () => {
    const moduleKey = await moduleWithSites(2);
    const service = new UsageLedgerService(t.ctx);
    await service.recordUsageRead(
      moduleKey,
      null,
      complete([
        { externalId: "site-0", billingType: "devices", quantity: 5 },
        { externalId: "site-1", billingType: "devices", quantity: 6 },
      ]),
      { readAt: night(1), billingTypes: ["devices"] },
    );
    const { counts, rejected } = await service.recordUsageRead(
      moduleKey,
      null,
      {
        kind: "complete",
        readings: [
          { externalId: "site-0", billingType: "devices", quantity: 5 },
          { externalId: "nobody", billingType: "devices", quantity: 9 },
        ],
        rejected: [{ reason: "line 4: quantity -1 is negative", raw: { line: 4 } }],
        requestCount: 2,
      },
      { readAt: night(2), billingTypes: ["devices"] },
    );
    expect(counts).toMatchObject({ unchanged: 1, changed: 1, unknown: 1, rejected: 2 });
    expect(rejected.map((r) => r.reason)).toEqual([
      "line 4: quantity -1 is negative",
      'no module organization with external id "nobody" in this module',
    ]);
    const repos = repositories(t.ctx.db);
    const site1 = (await repos.moduleOrganizations.findByExternalIds(moduleKey, ["site-1"]))[0]!;
    expect((await repos.usageLedger.history(site1.id, "devices")).at(-1)).toMatchObject({
      quantity: null,
      unknownReason: "skipped",
    });
  });

  it("writes nothing for a rerun of the same night, and a late older read does not rewrite history", async () => {
    const moduleKey = await moduleWithSites(1);
    const service = new UsageLedgerService(t.ctx);
    const read = complete([{ externalId: "site-0", billingType: "devices", quantity: 3 }]);
    await service.recordUsageRead(moduleKey, null, read, { readAt: night(5) });
    const rerun = await service.recordUsageRead(moduleKey, null, read, { readAt: night(5) });
    expect(rerun.counts).toMatchObject({ unchanged: 1, changed: 0, opened: 0 });
    const corrected = await service.recordUsageRead(
      moduleKey,
      null,
      complete([{ externalId: "site-0", billingType: "devices", quantity: 4 }]),
      { readAt: night(5) },
    );
    expect(corrected.counts).toMatchObject({ changed: 1 });
    const late = await service.recordUsageRead(
      moduleKey,
      null,
      complete([{ externalId: "site-0", billingType: "devices", quantity: 9 }]),
      { readAt: night(4) },
    );
    expect(late.counts).toMatchObject({ ignored: 1 });
    expect(await repositories(t.ctx.db).usageLedger.countRows(moduleKey)).toBe(1);
    const [row] = await repositories(t.ctx.db).usageLedger.intervalsForPeriod(
      [(await repositories(t.ctx.db).moduleOrganizations.findByExternalIds(moduleKey, ["site-0"]))[0]!.id],
      { start: night(1), end: night(30) },
    );
    expect(row).toMatchObject({ quantity: 4, validFrom: night(5), validTo: null });
  });

  it("writes what ledgerInputs and decideLedgerWrite decide, pair by pair, over 40 random reads (the database's comparison against the domain's)", async () => {
    const sites = 30;
    const moduleKey = await moduleWithSites(sites);
    const service = new UsageLedgerService(t.ctx);
    const repos = repositories(t.ctx.db);
    const ids = new Map(
      (
        await repos.moduleOrganizations.findByExternalIds(
          moduleKey,
          Array.from({ length: sites }, (_, i) => `site-${i}`),
        )
      ).map((mo) => [mo.external_id, mo.id]),
    );
    const random = seededRandom(2026);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const reasons: UnknownReason[] = ["failed", "skipped", "stale"];
    // The model: every pair's intervals, oldest first, as the domain writes them.
    const model = new Map<string, UsageInterval[]>();
    let instant = night(1).getTime();
    let decided = { extend: 0, open: 0, "close-and-open": 0, replace: 0, ignore: 0 };
    for (let n = 0; n < 40; n++) {
      // Mostly the next night; sometimes the same instant again (replace) or an older one (ignore).
      const step = random();
      if (step >= 0.25) instant += 86_400_000;
      const readAt = new Date(step < 0.15 || step >= 0.25 ? instant : instant - 3_600_000);
      const readings: ModuleUsageReading[] = [];
      for (let i = 0; i < sites; i++) {
        for (const type of TYPES) {
          const times = random() < 0.85 ? 1 : pick([0, 0, 2]);
          for (let k = 0; k < times; k++) {
            const last = model.get(`site-${i}\u0000${type}`)?.at(-1);
            const quantity = last && random() < 0.7 ? last.quantity : pick([null, 0, 1, 2, 7]);
            readings.push(
              quantity === null
                ? { externalId: `site-${i}`, billingType: type, quantity, reason: pick(reasons), detail: "-" }
                : { externalId: `site-${i}`, billingType: type, quantity },
            );
          }
        }
      }
      if (random() < 0.3) readings.push({ externalId: `ghost-${n}`, billingType: "devices", quantity: 1 });
      const read: UsageReadResult =
        random() < 0.1
          ? { kind: "failed", error: "HTTP 500", requestCount: 1 }
          : { kind: "complete", readings, rejected: [], requestCount: 1 };
      const billingTypes = TYPES.filter(() => random() < 0.2);

      // What the domain decides, from the model's intervals in force.
      const expected = Array.from({ length: sites }, (_, i) => {
        const types = new Set(billingTypes);
        for (const type of TYPES) if (model.has(`site-${i}\u0000${type}`)) types.add(type);
        if (read.kind === "complete")
          for (const r of readings) if (r.externalId === `site-${i}`) types.add(r.billingType);
        return { externalId: `site-${i}`, billingTypes: [...types] };
      });
      const { inputs, rejected } = ledgerInputs(read, expected, readAt);
      const counts = {
        unchanged: 0,
        changed: 0,
        opened: 0,
        unknown: 0,
        ignored: 0,
        rejected: rejected.length,
      };
      for (const input of inputs) {
        const key = `${input.externalId}\u0000${input.billingType}`;
        const decision = decideLedgerWrite(model.get(key)?.at(-1) ?? null, input.reading);
        decided = { ...decided, [decision.action]: decided[decision.action] + 1 };
        if (input.reading.quantity === null) counts.unknown++;
        if (decision.action === "extend") counts.unchanged++;
        else if (decision.action === "ignore") counts.ignored++;
        else if (decision.action === "open") counts.opened++;
        else counts.changed++;
        model.set(key, applyReadings(model.get(key) ?? [], [input.reading]));
      }

      const recorded = await service.recordUsageRead(moduleKey, null, read, { readAt, billingTypes });
      expect(recorded.counts, `read ${n}`).toEqual(counts);
      expect(recorded.rejected, `read ${n}`).toEqual(rejected);
    }
    for (const [key, intervals] of model) {
      const [externalId, billingType] = key.split("\u0000") as [string, string];
      const stored = await repos.usageLedger.history(ids.get(externalId)!, billingType);
      expect(
        stored.map(({ quantity, unknownReason, validFrom, validTo }) => ({
          quantity,
          unknownReason,
          validFrom,
          validTo,
        })),
        key,
      ).toEqual(intervals);
    }
    // The cases are not vacuous: every decision was taken many times.
    for (const count of Object.values(decided)) expect(count).toBeGreaterThan(10);
  }, 120_000); // 40 reads and 90 histories: over 30 s on PostgreSQL on a loaded machine
});
