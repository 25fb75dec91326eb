import { describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../../test/support/factories.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import { repositories } from "../../db/repositories.ts";
import { attributeUsage } from "../../domain/billing/attribution.ts";
import { desiredUnits } from "../../domain/billing/desired-units.ts";
import { billingPeriod } from "../../domain/billing/period.ts";
import {
  mappingHistoryWrites,
  recordExclusionChange,
  recordMappingChange,
  recordMappingChanges,
} from "./mapping-history.ts";
import { UsageLedgerService } from "./usage-ledger.service.ts";

const november = billingPeriod(2026, 11, "UTC");
const day = (n: number, hour = 0) => new Date(Date.UTC(2026, 10, n, hour));

describe("dated mappings", () => {
  const t = useTestContext();

  async function setUp() {
    const module = await buildModule(t.ctx.db);
    const moduleOrganization = await buildModuleOrganization(t.ctx.db, module.key, { externalId: "site-a" });
    const a = await buildOrganization(t.ctx.db, { name: "Acme" });
    const b = await buildOrganization(t.ctx.db, { name: "Beta" });
    return { module, moduleOrganization, a, b, repos: repositories(t.ctx.db) };
  }

  it("closes the interval in force and opens the next on every change; unmapped time has no row", async () => {
    const { moduleOrganization: mo, a, b, repos } = await setUp();
    await recordMappingChange(repos, mo.id, a.id, day(1));
    await recordMappingChange(repos, mo.id, a.id, day(3)); // no change: nothing written
    await recordMappingChange(repos, mo.id, b.id, day(15));
    await recordExclusionChange(repos, mo.id, true, day(20));
    await recordMappingChange(repos, mo.id, null, day(25));
    await recordExclusionChange(repos, mo.id, false, day(28));
    const history = await repos.mappingIntervals.history(mo.id);
    expect(history.map((h) => [h.organizationId, h.isExcluded, h.validFrom, h.validTo])).toEqual([
      [a.id, false, day(1), day(15)],
      [b.id, false, day(15), day(20)],
      [b.id, true, day(20), day(25)],
      [null, true, day(25), day(28)],
    ]);
    expect(await repos.mappingIntervals.mappingsInForce(day(14))).toMatchObject([{ organizationId: a.id }]);
    expect(await repos.mappingIntervals.mappingsInForce(day(15))).toMatchObject([{ organizationId: b.id }]);
    expect(await repos.mappingIntervals.mappingsInForce(day(29))).toEqual([]);
    const inNovember = await repos.mappingIntervals.mappingIntervals([mo.id], {
      start: day(10),
      end: day(21),
    });
    expect(inNovember.get(mo.id)?.map((i) => i.organizationId)).toEqual([a.id, b.id, b.id]);
  });

  it("replaces, at the same instant, the interval it would close, and never reaches back before it", () => {
    const open = new Map([
      [
        "m",
        {
          moduleOrganizationId: "m",
          organizationId: "a",
          isExcluded: false,
          validFrom: day(15),
          validTo: null,
        },
      ],
    ]);
    expect(mappingHistoryWrites(open, [{ moduleOrganizationId: "m", organizationId: "b" }], day(15))).toEqual(
      {
        drops: ["m"],
        closes: [],
        opens: [
          {
            moduleOrganizationId: "m",
            organizationId: "b",
            isExcluded: false,
            validFrom: day(15),
            validTo: null,
          },
        ],
      },
    );
    expect(
      mappingHistoryWrites(open, [{ moduleOrganizationId: "m", organizationId: "b" }], day(14)).opens,
    ).toMatchObject([{ validFrom: day(15) }]);
  });

  it("records many changes at once, the last change of a module organization winning", async () => {
    const { module, a, b, repos } = await setUp();
    const others = await Promise.all(
      ["x", "y", "z"].map((externalId) => buildModuleOrganization(t.ctx.db, module.key, { externalId })),
    );
    await recordMappingChanges(
      repos,
      [
        ...others.map((mo) => ({ moduleOrganizationId: mo.id, organizationId: a.id })),
        { moduleOrganizationId: others[0]!.id, organizationId: b.id },
        { moduleOrganizationId: others[1]!.id, isExcluded: true },
      ],
      day(2),
    );
    const inForce = await repos.mappingIntervals.mappingsInForce(
      day(3),
      others.map((mo) => mo.id),
    );
    const byId = new Map(inForce.map((i) => [i.moduleOrganizationId, [i.organizationId, i.isExcluded]]));
    expect(others.map((mo) => byId.get(mo.id))).toEqual([
      [b.id, false],
      [a.id, true],
      [a.id, false],
    ]);
  });

  it("rule 12: a move on the 15th splits the period between the two organizations", async () => {
    const { module, moduleOrganization: mo, a, b, repos } = await setUp();
    await recordMappingChange(repos, mo.id, a.id, day(1));
    const usage = new UsageLedgerService(t.ctx);
    for (let n = 1; n <= 30; n++) {
      await usage.recordUsageRead(
        module.key,
        null,
        {
          kind: "complete",
          readings: [{ externalId: "site-a", billingType: "devices", quantity: n < 20 ? 10 : 14 }],
          rejected: [],
          requestCount: 1,
        },
        { readAt: day(n, 2) },
      );
    }
    await recordMappingChange(repos, mo.id, b.id, day(15, 9));
    const mappings = await repos.mappingIntervals.mappingIntervals([mo.id], november);
    const ledger = await repos.usageLedger.intervalsForPeriod([mo.id], november);
    const segments = attributeUsage(november, mappings.get(mo.id) ?? [], ledger);
    expect(segments.map((s) => [s.organizationId, s.from, s.to, s.quantity])).toEqual([
      [a.id, day(1, 2), day(15, 9), 10],
      [b.id, day(15, 9), day(20, 2), 10],
      [b.id, day(20, 2), november.end, 14],
    ]);
    const peak = desiredUnits(november, "peak", [{ moduleOrganizationId: mo.id, segments }]);
    expect(peak.map((d) => [d.organizationId, d.units])).toEqual([
      [a.id, 10],
      [b.id, 14],
    ]);
  });

  it("never bills the time a module organization is excluded", async () => {
    const { module, moduleOrganization: mo, a, repos } = await setUp();
    await recordMappingChange(repos, mo.id, a.id, day(1));
    await recordExclusionChange(repos, mo.id, true, day(10));
    await new UsageLedgerService(t.ctx).recordUsageRead(
      module.key,
      null,
      {
        kind: "complete",
        readings: [{ externalId: "site-a", billingType: "devices", quantity: 7 }],
        rejected: [],
        requestCount: 1,
      },
      { readAt: day(1) },
    );
    const segments = attributeUsage(
      november,
      (await repos.mappingIntervals.mappingIntervals([mo.id], november)).get(mo.id) ?? [],
      await repos.usageLedger.intervalsForPeriod([mo.id], november),
    );
    expect(segments.map((s) => [s.organizationId, s.from, s.to])).toEqual([[a.id, day(1), day(10)]]);
  });
});
