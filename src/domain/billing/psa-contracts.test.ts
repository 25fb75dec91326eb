import { describe, expect, it } from "vitest";
import { type PsaContractData, psaSideFor } from "./psa-contracts.ts";

const november = { key: "2026-11" };

const DATA: PsaContractData = {
  services: [{ psaId: "501", name: "Managed Workstation", unitPrice: 160_000n, isActive: true }],
  contracts: [
    { psaId: "1", organizationPsaId: "1000", name: "MSA", startDate: "2026-01-01", endDate: "2026-12-31" },
    { psaId: "2", organizationPsaId: "1001", name: "MSA", startDate: "2026-01-01", endDate: "2026-12-31" },
    { psaId: "3", organizationPsaId: "1002", name: "Old", startDate: "2025-01-01", endDate: "2026-10-31" },
    { psaId: "4", organizationPsaId: "1003", name: "A", startDate: "2026-11-15", endDate: "2027-11-14" },
    { psaId: "5", organizationPsaId: "1003", name: "B", startDate: "2026-01-01", endDate: "2026-12-31" },
  ],
  contractServices: [
    { psaId: "11", contractPsaId: "1", servicePsaId: "501", unitPrice: 159_800n },
    { psaId: "14", contractPsaId: "4", servicePsaId: "501", unitPrice: 159_800n },
    { psaId: "15", contractPsaId: "5", servicePsaId: "501", unitPrice: 150_000n },
  ],
  contractServiceUnits: [
    unit("101", "1", "11", "2026-10", 7, "2026-11-02"),
    unit("102", "1", "11", "2026-11", 8, null),
    unit("104", "4", "14", "2026-11", 2, null),
    unit("105", "5", "15", "2026-11", 3, null),
  ],
};

function unit(
  psaId: string,
  contractPsaId: string,
  contractServicePsaId: string,
  month: string,
  units: number,
  posted: string | null,
) {
  return {
    psaId,
    contractPsaId,
    contractServicePsaId,
    servicePsaId: "501",
    startDate: `${month}-01`,
    endDate: `${month}-28`,
    units,
    approveAndPostDate: posted,
  };
}

describe("the PSA's side of a reconciliation row", () => {
  it("gives the period's units and the contract service's price", () => {
    expect(psaSideFor(DATA, "1000", "501", november)).toEqual({
      contractService: { psaUnits: 8, unitPrice: 159_800n, isInvoiced: false },
    });
    expect(psaSideFor(DATA, "1000", "501", { key: "2026-10" })).toEqual({
      contractService: { psaUnits: 7, unitPrice: 159_800n, isInvoiced: true },
    });
  });

  it("says no contract when the organization has none running in the period", () => {
    expect(psaSideFor(DATA, "1002", "501", november)).toBeNull();
    expect(psaSideFor(DATA, "9999", "501", november)).toBeNull();
  });

  it("says the service is not on the contract", () => {
    expect(psaSideFor(DATA, "1001", "501", november)).toEqual({ contractService: null });
    expect(psaSideFor(DATA, "1000", "777", november)).toEqual({ contractService: null });
  });

  it("counts 0 units when the PSA has no row for the period yet", () => {
    expect(psaSideFor(DATA, "1000", "501", { key: "2026-12" })).toMatchObject({
      contractService: { psaUnits: 0 },
    });
  });

  it("adds two contracts' units for one service, and drops the price when they disagree", () => {
    expect(psaSideFor(DATA, "1003", "501", november)).toEqual({
      contractService: { psaUnits: 5, unitPrice: null, isInvoiced: false },
    });
  });
});
