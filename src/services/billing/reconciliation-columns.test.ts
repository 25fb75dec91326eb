import { describe, expect, it } from "vitest";
import { billingWorld, psaData } from "../../../test/support/billing-world.ts";
import { useTestContext } from "../../../test/support/test-context.ts";
import { ReconciliationRepository } from "../../db/reconciliation.repository.ts";
import { repositories } from "../../db/repositories.ts";
import type { MappingInterval } from "../../domain/billing/attribution.ts";
import { parseDecimal } from "../../domain/billing/money.ts";
import { parsePeriodKey } from "../../domain/billing/period.ts";
import { PsaContractIndex } from "../../domain/billing/psa-contract-index.ts";
import { type PeriodRowSummary, reconcileColumns } from "../../domain/billing/reconcile-columns.ts";
import { type PairUsage, type PeriodRow, reconcilePeriod } from "../../domain/billing/reconcile-period.ts";
import { REASONS, type UsageColumns } from "../../domain/billing/usage-columns.ts";

const SERVICES = [
  { id: "s-dev", name: "Managed device", price: "12.50" },
  { id: "s-srv", name: "Managed server", price: null },
];

/** The columns back as objects, in their order: what the reference computes from. */
function objectsOf(u: UsageColumns): { usage: PairUsage[]; mappings: Map<string, MappingInterval[]> } {
  const date = (ms: number) => (ms === Infinity ? null : new Date(ms));
  const usage: PairUsage[] = [];
  for (let p = 0; p < u.pairCount; p++) {
    const intervals = [];
    for (let i = u.pairStart[p]!; i < u.pairStart[p + 1]!; i++) {
      const quantity = u.intervalQuantity[i]!;
      intervals.push({
        quantity: Number.isNaN(quantity) ? null : quantity,
        unknownReason: REASONS[u.intervalReason[i]!]!,
        validFrom: new Date(u.intervalFrom[i]!),
        validTo: date(u.intervalTo[i]!),
      });
    }
    usage.push({
      moduleOrganizationId: u.moduleOrganizationIds[u.pairModuleOrganization[p]!]!,
      ...u.kinds[u.pairKind[p]!]!,
      intervals,
    });
  }
  const mappings = new Map<string, MappingInterval[]>();
  for (const [m, id] of u.moduleOrganizationIds.entries()) {
    const list: MappingInterval[] = [];
    for (let i = u.mappingStart[m]!; i < u.mappingStart[m + 1]!; i++) {
      const organization = u.mappingOrganization[i]!;
      list.push({
        organizationId: organization === -1 ? null : u.organizationIds[organization]!,
        isExcluded: u.mappingExcluded[i] === 1,
        validFrom: new Date(u.mappingFrom[i]!),
        validTo: date(u.mappingTo[i]!),
      });
    }
    if (list.length > 0) mappings.set(id, list);
  }
  return { usage, mappings };
}

const byPair = (a: PairUsage, b: PairUsage) =>
  `${a.moduleOrganizationId}${a.billingType}`.localeCompare(`${b.moduleOrganizationId}${b.billingType}`);

function summary(row: PeriodRow): PeriodRowSummary {
  const { sources, steps: _, ...rest } = row;
  return { ...rest, sourceCount: new Set(sources.map((s) => s.moduleOrganizationId)).size };
}

/** The columns' read and compute against the object reads and `reconcilePeriod` (the reference), on the database. */
describe("reconciliation from columns", () => {
  const t = useTestContext();
  const w = billingWorld(t);

  it("reads the same pairs and mappings as the object reads, and stores the reference's rows", async () => {
    const a = await w.organization("A", "Alpha");
    const b = await w.organization("B", "Beta");
    const c = await w.organization("C", "Gamma");
    await w.module("rmm");
    await w.module("saas");
    await w.contracts(
      psaData(SERVICES, [
        { organizationPsaId: "A", lines: [{ serviceId: "s-dev", units: 4 }] },
        { organizationPsaId: "B", lines: [{ serviceId: "s-srv", units: 2 }] },
        { organizationPsaId: "C", lines: [{ serviceId: "s-dev", units: 3 }] },
      ]),
    );
    await w.serviceMapping("rmm", "devices", "s-dev", "peak");
    await w.serviceMapping("saas", "devices", "s-dev");
    await w.serviceMapping("saas", "devices.server", "s-srv", "peak");
    // rmm's devices.server has no service mapping: one row for all organizations.
    const moved = await w.moduleOrganization("rmm", "moved");
    const steady = await w.moduleOrganization("rmm", "steady");
    const excluded = await w.moduleOrganization("rmm", "excluded");
    const tenant = await w.moduleOrganization("saas", "tenant");
    const failing = await w.moduleOrganization("saas", "failing");
    await w.moduleOrganization("rmm", "loose");
    await w.map(moved.id, a.id, "2026-10-20T00:00:00Z");
    await w.map(steady.id, a.id, "2026-10-20T00:00:00Z");
    await w.map(excluded.id, b.id, "2026-10-20T00:00:00Z");
    await w.map(tenant.id, b.id, "2026-10-20T00:00:00Z");
    await w.map(failing.id, c.id, "2026-10-20T00:00:00Z");
    await w.exclude(excluded.id, "2026-10-21T00:00:00Z");
    const devices = { moved: 10, steady: 3, excluded: 50, loose: 7 };
    const servers = { "devices.server": { moved: 2, steady: 1, loose: 1 } };
    // October: known readings, then a failed read: November starts unknown (the last known is October's).
    await w.read("rmm", "2026-10-22T02:00:00Z", devices, servers);
    await w.read(
      "saas",
      "2026-10-22T02:00:00Z",
      { tenant: 5, failing: 8 },
      { "devices.server": { tenant: 1 } },
    );
    await w.read("saas", "2026-10-30T02:00:00Z", "failed");
    await w.read("rmm", "2026-11-02T02:00:00Z", devices, servers);
    await w.read("saas", "2026-11-03T02:00:00Z", { tenant: 6 }, { "devices.server": { tenant: 2 } });
    await w.map(moved.id, b.id, "2026-11-15T00:00:00Z");
    await w.read("rmm", "2026-11-16T02:00:00Z", { ...devices, moved: 12 }, servers);
    await w.read("saas", "2026-11-17T02:00:00Z", "failed");
    t.ctx.clock.set("2026-11-20T00:00:00Z");
    await w.read("rmm", "2026-11-20T00:00:00Z", { ...devices, moved: 12, steady: 4 }, servers);
    // saas's last complete read is now older than 36 hours: its sources are stale.

    const service = w.reconciliation();
    const repo = new ReconciliationRepository(t.ctx.db);
    const repos = repositories(t.ctx.db);
    const organizations = await repo.organizations();
    const contracts = await repos.psaContracts.load();
    for (const key of ["2026-11", "2026-10"]) {
      const period = parsePeriodKey(key, "UTC");
      const { snapshot, staleness } = await service.ensure(key);
      const columns = await repo.usageColumnsForPeriod(period);
      const { usage, mappings } = objectsOf(columns);
      // The same pairs, intervals and mappings as the object reads (whose order is the hash join's).
      expect([...usage].sort(byPair)).toEqual([...(await repo.usageForPeriod(period))].sort(byPair));
      expect(mappings).toEqual(await repo.mappingsForPeriod(period, [...mappings.keys()]));
      const input = {
        period,
        asOf: new Date(Math.min(snapshot.computedAt.getTime(), period.end.getTime())),
        staleFrom: staleness.staleFrom,
        serviceMappings: await repos.serviceMappings.list(),
        organizationPsaIds: new Map(organizations.map((o) => [o.id, o.psaId])),
        psa: contracts ? new PsaContractIndex(contracts.data, period) : null,
      };
      const expected = reconcilePeriod({ ...input, usage, mappings }).map(summary);
      expect(reconcileColumns({ ...input, usage: columns })).toEqual(expected);
      // And the snapshot holds them.
      const stored = await repo.all(key, {}, "attention");
      const money = (text: string | null) => (text === null ? null : parseDecimal(text));
      expect(
        stored
          .map((r) => ({
            key: r.row_key,
            state: r.state,
            desiredUnits: r.desired_units,
            psaUnits: r.psa_units,
            money: money(r.money),
            unitPrice: money(r.unit_price),
            isStale: r.is_stale,
            sourceCount: r.source_count,
          }))
          .sort((x, y) => x.key.localeCompare(y.key)),
      ).toEqual(
        expected
          .map((r) => ({
            key: r.key,
            state: r.state,
            desiredUnits: r.desiredUnits,
            psaUnits: r.psaUnits,
            money: r.money,
            unitPrice: r.unitPrice,
            isStale: r.isStale,
            sourceCount: r.sourceCount,
          }))
          .sort((x, y) => x.key.localeCompare(y.key)),
      );
      if (key === "2026-11") {
        const states = new Set(expected.map((r) => r.state));
        expect([...states].sort()).toEqual(
          expect.arrayContaining([
            "under_billed",
            "service_not_on_contract",
            "no_service_mapping",
            "stale_source",
            "unmapped_usage",
          ]),
        );
        // The pair unknown since October carries its last known reading from before the period.
        const failingPair = usage.find(
          (p) => p.moduleOrganizationId === failing.id && p.billingType === "devices",
        );
        expect(failingPair?.intervals[0]).toMatchObject({ quantity: 8 });
      }
    }
  });
});
