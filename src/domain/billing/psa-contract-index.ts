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
    const contracts = this.contractsByOrganization.get(organizationPsaId) ?? [];
    if (contracts.length === 0) return null;
    const services: PsaContractService[] = [];
    let carrying: PsaContract | undefined;
    for (const contract of contracts) {
      for (const service of this.servicesByContract.get(contract.psaId) ?? []) {
        if (service.servicePsaId !== servicePsaId) continue;
        services.push(service);
        carrying ??= contract;
      }
    }
    const contract = carrying ?? contracts[0]!;
    const ref = { psaId: contract.psaId, name: contract.name };
    if (services.length === 0) return { contract: ref, contractService: null };
    const units = services.flatMap((service) => this.unitsByContractService.get(service.psaId) ?? []);
    const prices = new Set(services.map((service) => service.unitPrice));
    const [price] = prices;
    return {
      contract: ref,
      contractService: {
        psaUnits: units.reduce((sum, unit) => sum + unit.units, 0),
        unitPrice: prices.size === 1 ? (price ?? null) : null,
        isInvoiced: units.some((unit) => unit.approveAndPostDate !== null),
      },
    };
  }

  /** (organization, service) pairs whose contract services bill units in the period. */
  billedPairs(): { organizationPsaId: string; servicePsaId: string }[] {
    const pairs = new Map<string, { organizationPsaId: string; servicePsaId: string }>();
    for (const [organizationPsaId, contracts] of this.contractsByOrganization) {
      for (const contract of contracts) {
        for (const service of this.servicesByContract.get(contract.psaId) ?? []) {
          const units = this.unitsByContractService.get(service.psaId) ?? [];
          if (units.reduce((sum, unit) => sum + unit.units, 0) <= 0) continue;
          pairs.set(`${organizationPsaId}\u0000${service.servicePsaId}`, {
            organizationPsaId,
            servicePsaId: service.servicePsaId,
          });
        }
      }
    }
    return [...pairs.values()];
  }
}
