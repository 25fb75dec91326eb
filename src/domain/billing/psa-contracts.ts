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
