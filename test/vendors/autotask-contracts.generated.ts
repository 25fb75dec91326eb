import { autotaskShape } from "./autotask.server.ts";
import type { AutotaskContractsData } from "./autotask-contracts.server.ts";

/** The services the generated contracts bill: one per device, one per backup seat, one unused. */
export const GENERATED_SERVICES = [
  { id: 501, name: "Managed Device", unitPrice: 15.98, isActive: true },
  { id: 502, name: "Cloud Backup Seat", unitPrice: 4.1667, isActive: true },
  { id: 503, name: "On-site Visit", unitPrice: 120, isActive: true },
];

function lastDay(month: string): string {
  const [year, number] = month.split("-").map(Number);
  return `${month}-${String(new Date(Date.UTC(year!, number!, 0)).getUTCDate()).padStart(2, "0")}`;
}

/**
 * Contracts for the generated companies (`startAutotaskServer({ count })`: company i has id
 * 1000 + i), so that a reconciliation meets every PSA situation: most customers have an active
 * recurring contract with the device service; every 5th has none; every 9th lacks the device
 * service; every 11th device service has no unit price; every 3rd also bills backup seats. Each
 * contract service has a units row for both months, the earlier one already invoiced.
 */
export function generatedAutotaskContracts(
  companyCount: number,
  previousMonth: string,
  currentMonth: string,
): AutotaskContractsData {
  const data: Required<
    Pick<AutotaskContractsData, "services" | "contracts" | "contractServices" | "contractServiceUnits">
  > = {
    services: GENERATED_SERVICES,
    contracts: [],
    contractServices: [],
    contractServiceUnits: [],
  };
  let unitId = 900_000;
  for (let index = 0; index < companyCount; index++) {
    const company = autotaskShape.make(index);
    if (company.companyType !== 1 || index % 5 === 4) continue;
    const contractID = 50_000 + index;
    data.contracts.push({
      id: contractID,
      companyID: company.id,
      contractName: `Managed Services ${company.id}`,
      contractType: 7,
      status: 1,
      startDate: "2025-01-01T00:00:00Z",
      endDate: "2030-12-31T00:00:00Z",
    });
    const services: [number, number | null, number][] = [];
    if (index % 9 !== 8) services.push([501, index % 11 === 10 ? null : 15.98, (index * 7) % 40]);
    if (index % 3 === 0) services.push([502, 4.1667, (index * 5) % 25]);
    for (const [serviceID, unitPrice, units] of services) {
      const id = contractID * 10 + (serviceID - 500);
      data.contractServices.push({ id, contractID, serviceID, unitPrice });
      for (const [month, posted] of [
        [previousMonth, `${currentMonth}-02T09:00:00Z`],
        [currentMonth, null],
      ] as const) {
        data.contractServiceUnits.push({
          id: unitId++,
          contractID,
          contractServiceID: id,
          serviceID,
          startDate: `${month}-01T00:00:00Z`,
          endDate: `${lastDay(month)}T00:00:00Z`,
          units,
          approveAndPostDate: posted,
        });
      }
    }
  }
  return data;
}
