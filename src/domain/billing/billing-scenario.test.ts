import { describe, expect, it } from "vitest";
import { attributeUsage, type MappingInterval } from "./attribution.ts";
import { desiredUnits } from "./desired-units.ts";
import { formatDecimal } from "./money.ts";
import { billingPeriod } from "./period.ts";
import { type PsaContractData, psaSideFor } from "./psa-contracts.ts";
import { reconcile, totalsByState } from "./reconciliation.ts";
import { applyReadings, type UsageReading } from "./usage-ledger.ts";

/**
 * One month of one module, end to end in plain data: nightly readings into the ledger, the
 * mapping history, rule 12 attribution, desired units, the PSA's side, rule 14 states. The
 * service that will do this on the database next session must give the same answers.
 */
const ZONE = "America/New_York";
const november = billingPeriod(2026, 11, ZONE);
const night = (day: number) => new Date(november.start.getTime() + (day - 1) * 86_400_000 + 2 * 3_600_000);
const nightly = (quantities: (number | null)[]): UsageReading[] =>
  quantities.map((quantity, index) =>
    quantity === null
      ? { quantity: null, reason: "failed", readAt: night(index + 1) }
      : { quantity, readAt: night(index + 1) },
  );
const month = (before: number, after: number, changeOn: number) =>
  Array.from({ length: 30 }, (_, index) => (index + 1 < changeOn ? before : after));

const PSA: PsaContractData = {
  services: [{ psaId: "501", name: "Managed Device", unitPrice: 159_800n, isActive: true }],
  contracts: [
    { psaId: "1", organizationPsaId: "A", name: "MSA", startDate: "2026-01-01", endDate: "2027-12-31" },
    { psaId: "2", organizationPsaId: "B", name: "MSA", startDate: "2026-01-01", endDate: "2027-12-31" },
  ],
  contractServices: [
    { psaId: "11", contractPsaId: "1", servicePsaId: "501", unitPrice: 159_800n },
    { psaId: "12", contractPsaId: "2", servicePsaId: "501", unitPrice: 159_800n },
  ],
  contractServiceUnits: [
    {
      psaId: "101",
      contractPsaId: "1",
      contractServicePsaId: "11",
      servicePsaId: "501",
      startDate: "2026-11-01",
      endDate: "2026-11-30",
      units: 10,
      approveAndPostDate: null,
    },
    {
      psaId: "102",
      contractPsaId: "2",
      contractServicePsaId: "12",
      servicePsaId: "501",
      startDate: "2026-11-01",
      endDate: "2026-11-30",
      units: 6,
      approveAndPostDate: null,
    },
  ],
};

const mapping = (
  organizationId: string | null,
  from: Date,
  to: Date | null = null,
  isExcluded = false,
): MappingInterval => ({
  organizationId,
  isExcluded,
  validFrom: from,
  validTo: to,
});

describe("a month of one module, from nightly readings to reconciliation rows", () => {
  const sites = {
    // Mapped to A all month; grows from 8 to 12 devices on the 20th.
    "site-1": { readings: nightly(month(8, 12, 20)), mappings: [mapping("A", new Date(0))] },
    // Moved from A to B on the 15th (rule 12), 4 devices throughout.
    "site-2": {
      readings: nightly(month(4, 4, 1)),
      mappings: [mapping("A", new Date(0), night(15)), mapping("B", night(15))],
    },
    // Mapped to B; its read failed from the 28th on (rule 13): 3 devices kept, stale.
    "site-3": {
      readings: nightly([...month(3, 3, 1).slice(0, 27), null, null, null]),
      mappings: [mapping("B", new Date(0))],
    },
    // Unmapped: its usage is listed with its quantity.
    "site-4": { readings: nightly(month(5, 5, 1)), mappings: [] },
    // Excluded (an internal tenant): never billed.
    "site-5": { readings: nightly(month(9, 9, 1)), mappings: [mapping(null, new Date(0), null, true)] },
  };

  const sources = Object.entries(sites).map(([moduleOrganizationId, site]) => ({
    moduleOrganizationId,
    segments: attributeUsage(november, site.mappings, applyReadings([], site.readings)),
  }));

  it("stores one ledger row per change, not one per night", () => {
    expect(applyReadings([], sites["site-1"].readings)).toHaveLength(2);
    expect(applyReadings([], sites["site-3"].readings).map((row) => row.quantity)).toEqual([3, null]);
  });

  it("rolls usage up per organization through the mappings in force", () => {
    const desired = desiredUnits(november, "latest", sources);
    const byOrganization = Object.fromEntries(
      desired.map((d) => [d.organizationId ?? "unmapped", [d.units, d.isStale]]),
    );
    expect(byOrganization).toEqual({ A: [12, false], B: [7, true], unmapped: [5, false] });
    const a = desired.find((d) => d.organizationId === "A")!;
    expect(a.steps.map((step) => step.units)).toEqual([12, 8, 12]);
  });

  it("gives every row its state and money, and the totals an admin reads first", () => {
    const rows = desiredUnits(november, "latest", sources).map((desired) =>
      reconcile({
        organizationId: desired.organizationId,
        desiredUnits: desired.units,
        isStale: desired.isStale,
        hasServiceMapping: true,
        contract:
          desired.organizationId === null ? null : psaSideFor(PSA, desired.organizationId, "501", november),
      }),
    );
    expect(rows.map((row) => [row.state, row.differenceUnits])).toEqual([
      ["under_billed", 2],
      ["stale_source", 1],
      ["unmapped_usage", null],
    ]);
    expect(formatDecimal(rows[0]!.differenceMoney!)).toBe("31.96");
    const totals = Object.fromEntries(
      totalsByState(rows).map((total) => [total.state, [total.units, total.money]]),
    );
    expect(totals.under_billed).toEqual([2, "31.96"]);
    expect(totals.unmapped_usage).toEqual([5, "0.00"]);
  });
});
