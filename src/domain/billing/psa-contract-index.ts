import type {
  PsaContract,
  PsaContractData,
  PsaContractService,
  PsaContractServiceUnit,
} from "./psa-contracts.ts";
import { unitPeriodKey } from "./psa-contracts.ts";

/** What the PSA bills one organization for one service in one period, with the contract it is on. */
export type IndexedPsaSide = null | {
  /** The contract carrying the service, else the organization's first contract in the period. */
  contract: { psaId: string; name: string };
  contractService: null | { psaUnits: number; unitPrice: bigint | null; isInvoiced: boolean };
};

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * `psaSideFor` (psa-contracts.ts) for a whole period's rows: the same answers, looked up by index
 * instead of scanning every contract for each (organization, service), which a period of 50,000
 * organizations cannot afford. Also lists the contract services billing units in the period, the
 * rows that come only from the PSA side (over-billed with no usage).
 */
export class PsaContractIndex {
  private readonly contractsByOrganization = new Map<string, PsaContract[]>();
  private readonly servicesByContract = new Map<string, PsaContractService[]>();
  private readonly unitsByContractService = new Map<string, PsaContractServiceUnit[]>();
  readonly servicePrices = new Map<string, bigint | null>();
  private readonly contractRefs = new Map<PsaContract, { psaId: string; name: string }>();

  constructor(data: PsaContractData, period: { key: string }) {
    const first = `${period.key}-01`;
    for (const contract of data.contracts) {
      if (contract.startDate.slice(0, 7) <= period.key && contract.endDate >= first) {
        push(this.contractsByOrganization, contract.organizationPsaId, contract);
      }
    }
    for (const service of data.contractServices)
      push(this.servicesByContract, service.contractPsaId, service);
    for (const unit of data.contractServiceUnits) {
      if (unitPeriodKey(unit) === period.key)
        push(this.unitsByContractService, unit.contractServicePsaId, unit);
    }
    for (const service of data.services) this.servicePrices.set(service.psaId, service.unitPrice);
  }

  sideFor(organizationPsaId: string, servicePsaId: string): IndexedPsaSide {
    const contracts = this.contractsByOrganization.get(organizationPsaId);
    if (contracts === undefined || contracts.length === 0) return null;
    // One pass, nothing made but the answer: a period of 50,000 organizations asks 400,000 times.
    let carrying: PsaContract | undefined;
    let count = 0;
    let price: bigint | null = null;
    let isSamePrice = true;
    let psaUnits = 0;
    let isInvoiced = false;
    for (const contract of contracts) {
      const services = this.servicesByContract.get(contract.psaId);
      if (services === undefined) continue;
      for (const service of services) {
        if (service.servicePsaId !== servicePsaId) continue;
        if (count === 0) price = service.unitPrice;
        else if (service.unitPrice !== price) isSamePrice = false;
        count++;
        carrying ??= contract;
        const units = this.unitsByContractService.get(service.psaId);
        if (units === undefined) continue;
        for (const unit of units) {
          psaUnits += unit.units;
          if (unit.approveAndPostDate !== null) isInvoiced = true;
        }
      }
    }
    const ref = this.contractRef(carrying ?? contracts[0]!);
    if (count === 0) return { contract: ref, contractService: null };
    return {
      contract: ref,
      contractService: { psaUnits, unitPrice: isSamePrice ? price : null, isInvoiced },
    };
  }

  /** One `{ psaId, name }` per contract, shared by its rows. */
  private contractRef(contract: PsaContract): { psaId: string; name: string } {
    let ref = this.contractRefs.get(contract);
    if (ref === undefined) {
      ref = { psaId: contract.psaId, name: contract.name };
      this.contractRefs.set(contract, ref);
    }
    return ref;
  }

  /** (organization, service) pairs whose contract services bill units in the period. */
  billedPairs(): { organizationPsaId: string; servicePsaId: string }[] {
    const pairs: { organizationPsaId: string; servicePsaId: string }[] = [];
    for (const [organizationPsaId, contracts] of this.contractsByOrganization) {
      // Once per (organization, service), in the order first billed.
      const seen = new Set<string>();
      for (const contract of contracts) {
        for (const service of this.servicesByContract.get(contract.psaId) ?? []) {
          const units = this.unitsByContractService.get(service.psaId);
          if (units === undefined) continue;
          let total = 0;
          for (const unit of units) total += unit.units;
          if (total <= 0 || seen.has(service.servicePsaId)) continue;
          seen.add(service.servicePsaId);
          pairs.push({ organizationPsaId, servicePsaId: service.servicePsaId });
        }
      }
    }
    return pairs;
  }
}
