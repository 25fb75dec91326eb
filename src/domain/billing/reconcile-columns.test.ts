import { describe, expect, it } from "vitest";
import { seededPicker } from "../../../test/support/seeded-random.ts";
import type { MappingInterval } from "./attribution.ts";
import { day, NOVEMBER } from "./billing-test-support.ts";
import { OrganizationSides, PsaContractIndex } from "./psa-contract-index.ts";
import { type PsaContractData, psaSideFor } from "./psa-contracts.ts";
import { type PeriodRowSummary, reconcileColumns } from "./reconcile-columns.ts";
import {
  type PairUsage,
  type PeriodInput,
  type PeriodRow,
  reconcilePeriod,
  type ServiceMappingInput,
} from "./reconcile-period.ts";
import { usageColumns } from "./usage-columns.ts";
import type { UnknownReason, UsageInterval } from "./usage-ledger.ts";

const hour = 3_600_000;
/** Instants the worlds' edges are drawn from: before, at and after the period's bounds, repeats on purpose. */
const INSTANTS = [
  new Date(Date.UTC(2026, 9, 20)),
  new Date(NOVEMBER.start.getTime() - hour),
  NOVEMBER.start,
  new Date(day(2).getTime() + 2 * hour),
  day(5),
  day(15),
  new Date(day(15).getTime() + 12 * hour),
  day(20),
  new Date(day(28).getTime() + 2 * hour),
  NOVEMBER.end,
  new Date(Date.UTC(2026, 11, 3)),
];
const REASONS: (UnknownReason | null)[] = ["failed", "skipped", "stale", null];

/**
 * A seeded random world: module organizations with dated mappings (moves, exclusions, gaps, now and
 * then overlapping), ledger intervals (known, unknown with each reason, gaps, open or closed),
 * service mappings (none, shared by several billing types, either policy), stale modules, and a PSA
 * side (contracts, services on one or two contracts, prices or none, invoiced units, PSA-only lines).
 */
function world(seed: number): PeriodInput & { data: PsaContractData } {
  const r = seededPicker(seed);
  const organizations = ["org-a", "org-b", "org-c", "org-d"];
  const modules = r.chance(0.2) ? ["rmm"] : ["rmm", "saas", "file"];
  const types = ["devices", "devices.server", "users"];
  const services = ["s-1", "s-2", "s-3"];
  const serviceMappings: ServiceMappingInput[] = [];
  for (const moduleKey of modules) {
    for (const billingType of types) {
      if (r.chance(0.3)) continue;
      const psaServiceId = r.pick(services);
      serviceMappings.push({
        moduleKey,
        billingType,
        psaServiceId,
        psaServiceName: `Service ${psaServiceId}`,
        policy: r.chance(0.5) ? "latest" : "peak",
      });
    }
  }
  const times = () => {
    const count = 1 + Math.floor(r.next() * 4);
    const picked = [...new Set(Array.from({ length: count }, () => r.pick(INSTANTS).getTime()))];
    return picked.sort((x, y) => x - y).map((t) => new Date(t));
  };
  const mappings = new Map<string, MappingInterval[]>();
  const usage: PairUsage[] = [];
  const moduleOrganizations = 3 + Math.floor(r.next() * 10);
  for (let m = 0; m < moduleOrganizations; m++) {
    const id = `mo-${m}`;
    const moduleKey = r.pick(modules);
    if (!r.chance(0.15)) {
      const edges = times();
      const list: MappingInterval[] = edges.map((from, i) => {
        const excluded = r.chance(0.15);
        const organizationId = excluded
          ? r.chance(0.5)
            ? null
            : r.pick(organizations)
          : r.chance(0.05)
            ? null
            : r.pick(organizations);
        const next = edges[i + 1];
        const to =
          next === undefined
            ? r.chance(0.7)
              ? null
              : NOVEMBER.end
            : r.chance(0.1)
              ? r.pick(INSTANTS)
              : next;
        return {
          organizationId,
          isExcluded: excluded,
          validFrom: from,
          validTo: to !== null && to <= from ? null : to,
        };
      });
      mappings.set(id, list);
    }
    for (const billingType of types) {
      if (!r.chance(0.6)) continue;
      const edges = times();
      const intervals: UsageInterval[] = edges.map((from, i) => {
        const unknown = r.chance(0.3);
        const next = edges[i + 1];
        const to =
          next === undefined
            ? r.chance(0.7)
              ? null
              : r.pick(INSTANTS)
            : r.chance(0.15)
              ? r.pick(INSTANTS)
              : next;
        return {
          quantity: unknown ? null : Math.floor(r.next() * 30),
          unknownReason: unknown ? r.pick(REASONS) : null,
          validFrom: from,
          validTo: to !== null && to <= from ? null : to,
        };
      });
      usage.push({ moduleOrganizationId: id, moduleKey, billingType, intervals });
    }
  }
  // The reader's pairs come in any order: shuffle them.
  for (let i = usage.length - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [usage[i], usage[j]] = [usage[j]!, usage[i]!];
  }
  const staleFrom = new Map<string, Date>();
  for (const moduleKey of modules) if (r.chance(0.25)) staleFrom.set(moduleKey, r.pick(INSTANTS));
  const organizationPsaIds = new Map(
    organizations.filter(() => r.chance(0.9)).map((id) => [id, `P-${id}`] as const),
  );
  const data: PsaContractData = {
    services: services.map((psaId) => ({
      psaId,
      name: `Service ${psaId}`,
      unitPrice: r.chance(0.8) ? BigInt(Math.floor(r.next() * 500000)) : null,
      isActive: true,
    })),
    contracts: [],
    contractServices: [],
    contractServiceUnits: [],
  };
  for (const organization of organizations) {
    const contracts = r.chance(0.2) ? 0 : r.chance(0.8) ? 1 : 2;
    for (let c = 0; c < contracts; c++) {
      const contractPsaId = `c-${organization}-${c}`;
      data.contracts.push({
        psaId: contractPsaId,
        organizationPsaId: `P-${organization}`,
        name: `Contract ${c}`,
        startDate: r.chance(0.9) ? "2026-01-01" : "2027-01-01",
        endDate: "2027-12-31",
      });
      for (const servicePsaId of services) {
        if (!r.chance(0.6)) continue;
        const psaId = `${contractPsaId}-${servicePsaId}`;
        data.contractServices.push({
          psaId,
          contractPsaId,
          servicePsaId,
          unitPrice: r.chance(0.85) ? BigInt(Math.floor(r.next() * 500000)) : null,
        });
        if (r.chance(0.2)) continue;
        data.contractServiceUnits.push({
          psaId: `${psaId}-u`,
          contractPsaId,
          contractServicePsaId: psaId,
          servicePsaId,
          startDate: r.chance(0.9) ? "2026-11-01" : "2026-10-01",
          endDate: "2026-11-30",
          units: Math.floor(r.next() * 30),
          approveAndPostDate: r.chance(0.1) ? "2026-11-30" : null,
        });
        // Now and then a second row for the same contract service (a mid-period change): its units add up.
        if (r.chance(0.15)) {
          data.contractServiceUnits.push({
            psaId: `${psaId}-u2`,
            contractPsaId,
            contractServicePsaId: psaId,
            servicePsaId,
            startDate: r.chance(0.8) ? "2026-11-15" : "2026-10-15",
            endDate: "2026-11-30",
            units: Math.floor(r.next() * 30),
            approveAndPostDate: r.chance(0.1) ? "2026-11-30" : null,
          });
        }
      }
    }
  }
  // Now and then a contract service's id used again, on another contract for another service (not a
  // PSA's own data): its units count for both. (For the same service, psaSideFor would count them
  // once and the index twice: a difference older than this test, left as it is.)
  if (data.contracts.length > 0 && data.contractServices.length > 0 && r.chance(0.1)) {
    const again = r.pick(data.contractServices);
    const contract = r.pick(data.contracts);
    if (contract.psaId !== again.contractPsaId) {
      data.contractServices.push({
        ...again,
        contractPsaId: contract.psaId,
        servicePsaId: services.find((s) => s !== again.servicePsaId)!,
      });
    }
  }
  const asOf = r.pick([NOVEMBER.end, NOVEMBER.end, day(20), ...INSTANTS]);
  return {
    period: { key: "2026-11", ...NOVEMBER },
    asOf,
    staleFrom,
    serviceMappings,
    usage,
    mappings,
    organizationPsaIds,
    psa: r.chance(0.9) ? new PsaContractIndex(data, { key: "2026-11" }) : null,
    data,
  };
}

/** The reference's row as the fast path gives it: its sources counted, its steps left out. */
function summary(row: PeriodRow): PeriodRowSummary {
  const { sources, steps: _, ...rest } = row;
  return { ...rest, sourceCount: new Set(sources.map((s) => s.moduleOrganizationId)).size };
}

const fast = (input: PeriodInput) =>
  reconcileColumns({ ...input, usage: usageColumns(input.usage, input.mappings) });

describe("reconcileColumns", () => {
  it("gives exactly the reference's rows (reconcilePeriod), in its order, on 2,000 seeded random worlds", () => {
    let rows = 0;
    const states = new Set<string>();
    for (let seed = 1; seed <= 2000; seed++) {
      const input = world(seed);
      const expected = reconcilePeriod(input).map(summary);
      expect(fast(input), `seed ${seed}`).toEqual(expected);
      rows += expected.length;
      for (const row of expected) states.add(`${row.state}${row.isStale ? " stale" : ""}`);
    }
    // The worlds reach every state, so the comparison covers each.
    expect([...states].sort()).toEqual(
      expect.arrayContaining([
        "in_balance",
        "under_billed",
        "over_billed",
        "unmapped_usage",
        "unmapped_usage stale",
        "no_service_mapping",
        "no_contract",
        "service_not_on_contract",
        "stale_source stale",
      ]),
    );
    expect(rows).toBeGreaterThan(10_000);
  });

  it("the PSA side by index is psaSideFor's (the scan of every contract) for every organization and service", () => {
    let sides = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { data } = world(seed);
      const index = new PsaContractIndex(data, { key: "2026-11" });
      for (const organizationPsaId of ["P-org-a", "P-org-b", "P-org-c", "P-org-d", "P-none"]) {
        for (const servicePsaId of ["s-1", "s-2", "s-3", "s-none"]) {
          const side = index.sideFor(organizationPsaId, servicePsaId);
          const expected = psaSideFor(data, organizationPsaId, servicePsaId, { key: "2026-11" });
          expect(side === null ? null : { contractService: side.contractService }, `seed ${seed}`).toEqual(
            expected,
          );
          if (side?.contractService) sides++;
        }
      }
    }
    expect(sides).toBeGreaterThan(1000);
  });

  it("the sides of one organization at once (OrganizationSides) are sideFor's, contract included, loaded in any order", () => {
    let compared = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { data } = world(seed);
      const index = new PsaContractIndex(data, { key: "2026-11" });
      const sides = new OrganizationSides(index);
      const organizations = ["P-org-a", "P-org-b", "P-org-c", "P-org-d", "P-none"];
      // Twice, the second time backwards: what one organization loaded must not leak into the next.
      for (const order of [organizations, [...organizations].reverse()]) {
        for (const organizationPsaId of order) {
          const loaded = sides.load(organizationPsaId);
          for (const servicePsaId of ["s-1", "s-2", "s-3", "s-none"]) {
            const expected = index.sideFor(organizationPsaId, servicePsaId);
            const side = loaded ? sides.side(index.serviceNumber(servicePsaId)) : null;
            expect(side, `seed ${seed} ${organizationPsaId} ${servicePsaId}`).toEqual(expected);
            if (side !== null) expect(side.contract).toBe(expected!.contract);
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(300 * 2 * 5 * 4);
  });

  it("a move mid-period splits the usage; the unknown keeps the last known units; peak and latest", () => {
    const input: PeriodInput = {
      period: { key: "2026-11", ...NOVEMBER },
      asOf: NOVEMBER.end,
      staleFrom: new Map(),
      serviceMappings: [
        { moduleKey: "rmm", billingType: "devices", psaServiceId: "s", psaServiceName: "S", policy: "peak" },
        { moduleKey: "rmm", billingType: "users", psaServiceId: "s", psaServiceName: "S", policy: "latest" },
      ],
      usage: [
        {
          moduleOrganizationId: "site",
          moduleKey: "rmm",
          billingType: "devices",
          intervals: [
            { quantity: 10, unknownReason: null, validFrom: day(2), validTo: day(10) },
            { quantity: 14, unknownReason: null, validFrom: day(10), validTo: day(20) },
            { quantity: null, unknownReason: "failed", validFrom: day(20), validTo: null },
          ],
        },
        {
          moduleOrganizationId: "site",
          moduleKey: "rmm",
          billingType: "users",
          intervals: [{ quantity: 3, unknownReason: null, validFrom: day(2), validTo: null }],
        },
      ],
      mappings: new Map([
        [
          "site",
          [
            { organizationId: "a", isExcluded: false, validFrom: day(1), validTo: day(15) },
            { organizationId: "b", isExcluded: false, validFrom: day(15), validTo: null },
          ],
        ],
      ]),
      organizationPsaIds: new Map([
        ["a", "A"],
        ["b", "B"],
      ]),
      psa: null,
    };
    const rows = fast(input);
    expect(rows).toEqual(reconcilePeriod(input).map(summary));
    expect(rows.map((r) => [r.key, r.desiredUnits, r.isStale, r.sourceCount, r.billingTypes.length])).toEqual(
      [
        // a: peak of devices 14 (10th-15th) plus users at the end: a no longer has the site: 0.
        ["o:a:s:s", 14, false, 1, 2],
        // b: devices 14 then unknown (last known 14, stale), plus users 3 at the end.
        ["o:b:s:s", 17, true, 1, 2],
      ],
    );
  });
});
