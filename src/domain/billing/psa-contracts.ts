/**
 * The PSA's side of billing, as read from Autotask (product section 6): services, active
 * recurring contracts, the services on them and the units each bills per period. Ids are the
 * PSA's own, as strings; dates are calendar dates "YYYY-MM-DD" (Autotask keeps contract dates
 * as dates); prices are decimal ten-thousandths (money.ts), null when the PSA gives none.
 */

export interface PsaService {
  psaId: string;
  name: string;
  unitPrice: bigint | null;
  isActive: boolean;
}

export interface PsaContract {
  psaId: string;
  /** The PSA organization (Autotask company) billed. */
  organizationPsaId: string;
  name: string;
  startDate: string;
  endDate: string;
}

export interface PsaContractService {
  psaId: string;
  contractPsaId: string;
  servicePsaId: string;
  /** The price per unit on this contract (it may differ from the service's list price). */
  unitPrice: bigint | null;
}

export interface PsaContractServiceUnit {
  psaId: string;
  contractPsaId: string;
  contractServicePsaId: string;
  servicePsaId: string;
  startDate: string;
  endDate: string;
  units: number;
  /** Set once the period was approved and posted (invoiced): it must never be adjusted (rule 15). */
  approveAndPostDate: string | null;
}

/** Everything the reconciliation needs from the PSA for the current and previous periods. */
export interface PsaContractData {
  services: PsaService[];
  contracts: PsaContract[];
  contractServices: PsaContractService[];
  contractServiceUnits: PsaContractServiceUnit[];
}

/** The "YYYY-MM" a contract service unit row bills (its start date's month). */
export function unitPeriodKey(unit: Pick<PsaContractServiceUnit, "startDate">): string {
  return unit.startDate.slice(0, 7);
}

/** What the PSA bills one organization for one service in one period (ReconciliationInput.contract). */
export type PsaSide = null | {
  contractService: null | { psaUnits: number; unitPrice: bigint | null; isInvoiced: boolean };
};

/**
 * Finds the PSA's side of one (organization, service, period): null when the organization has no
 * active recurring contract running in the period (no_contract); `contractService: null` when
 * none of its contracts has the service (service_not_on_contract); else the units of the
 * period's ContractServiceUnits row (0 when the PSA has not made the row yet). Should two
 * contracts carry the service, their units add up and the price is kept only if they agree.
 */
export function psaSideFor(
  data: PsaContractData,
  organizationPsaId: string,
  servicePsaId: string,
  period: { key: string },
): PsaSide {
  const first = `${period.key}-01`;
  const contracts = data.contracts.filter(
    (contract) =>
      contract.organizationPsaId === organizationPsaId &&
      contract.startDate.slice(0, 7) <= period.key &&
      contract.endDate >= first,
  );
  if (contracts.length === 0) return null;
  const contractIds = new Set(contracts.map((contract) => contract.psaId));
  const services = data.contractServices.filter(
    (service) => contractIds.has(service.contractPsaId) && service.servicePsaId === servicePsaId,
  );
  if (services.length === 0) return { contractService: null };
  const serviceIds = new Set(services.map((service) => service.psaId));
  const units = data.contractServiceUnits.filter(
    (unit) => serviceIds.has(unit.contractServicePsaId) && unitPeriodKey(unit) === period.key,
  );
  const prices = new Set(services.map((service) => service.unitPrice));
  const [price] = prices;
  return {
    contractService: {
      psaUnits: units.reduce((sum, unit) => sum + unit.units, 0),
      unitPrice: prices.size === 1 ? (price ?? null) : null,
      isInvoiced: units.some((unit) => unit.approveAndPostDate !== null),
    },
  };
}
