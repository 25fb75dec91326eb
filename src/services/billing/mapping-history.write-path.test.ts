import { describe, expect, it } from "vitest";
import { buildModule, buildModuleOrganization, buildOrganization } from "../../../test/support/factories.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import { repositories } from "../../db/repositories.ts";
import { cliActor } from "../../domain/actor.ts";
import { attributeUsage } from "../../domain/billing/attribution.ts";
import { desiredUnits } from "../../domain/billing/desired-units.ts";
import { billingPeriod } from "../../domain/billing/period.ts";
import { AuditService } from "../audit.service.ts";
import { MappingService } from "../mapping.service.ts";
import { UsageLedgerService } from "./usage-ledger.service.ts";

const november = billingPeriod(2026, 11, "UTC");
const day = (n: number, hour = 0) => new Date(Date.UTC(2026, 10, n, hour));

describe("dated mappings through the mapping write path", () => {
  const t = useTestContext();

  it("rule 12: a move on the 15th made through the write path splits the period; its undo splits it again", async () => {
    const module = await buildModule(t.ctx.db);
    const mo = await buildModuleOrganization(t.ctx.db, module.key, { externalId: "site-a" });
    const a = await buildOrganization(t.ctx.db, { name: "Acme" });
    const b = await buildOrganization(t.ctx.db, { name: "Beta" });
    const mapping = new MappingService(t.ctx);
    const usage = new UsageLedgerService(t.ctx);
    const read = (quantity: number) => ({
      kind: "complete" as const,
      readings: [{ externalId: "site-a", billingType: "devices", quantity }],
      rejected: [],
      requestCount: 1,
    });

    t.ctx.clock.set(day(1));
    await mapping.map(cliActor, mo.id, a.id);
    await usage.recordUsageRead(module.key, null, read(10), { readAt: day(1, 2) });
    t.ctx.clock.set(day(15, 9));
    const { stepId } = await mapping.bulkMap(cliActor, [mo.id], b.id);
    await usage.recordUsageRead(module.key, null, read(12), { readAt: day(16, 2) });
    t.ctx.clock.set(day(20));
    await new AuditService(t.ctx).undo(cliActor, stepId);
    t.ctx.clock.set(day(25));
    await mapping.setExcluded(cliActor, mo.id, true);

    const repos = repositories(t.ctx.db);
    const segments = attributeUsage(
      november,
      (await repos.mappingIntervals.mappingIntervals([mo.id], november)).get(mo.id) ?? [],
      await repos.usageLedger.intervalsForPeriod([mo.id], november),
    );
    expect(segments.map((s) => [s.organizationId, s.from, s.to, s.quantity])).toEqual([
      [a.id, day(1, 2), day(15, 9), 10],
      [b.id, day(15, 9), day(16, 2), 10],
      [b.id, day(16, 2), day(20), 12],
      [a.id, day(20), day(25), 12],
    ]);
    const peak = desiredUnits(november, "peak", [{ moduleOrganizationId: mo.id, segments }]);
    expect(peak.map((d) => [d.organizationId, d.units])).toEqual([
      [a.id, 12],
      [b.id, 12],
    ]);
    // Unmapping leaves no interval: the time after is unmapped.
    t.ctx.clock.set(day(28));
    await mapping.setExcluded(cliActor, mo.id, false);
    await mapping.unmap(cliActor, mo.id);
    expect(await repos.mappingIntervals.mappingsInForce(day(29), [mo.id])).toEqual([]);
  });
});
