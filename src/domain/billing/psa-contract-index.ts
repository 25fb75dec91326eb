import type { PsaContractData } from "./psa-contracts.ts";
import { unitPeriodKey } from "./psa-contracts.ts";

/** What the PSA bills one organization for one service in one period, with the contract it is on. */
export type IndexedPsaSide = null | {
  /** The contract carrying the service, else the organization's first contract in the period. */
  contract: { psaId: string; name: string };
  contractService: null | { psaUnits: number; unitPrice: bigint | null; isInvoiced: boolean };
};

/** A contract service with what its period's ContractServiceUnits rows bill, worked out once. */
export interface ServiceOnContract {
  /** The PSA service, numbered by the index (`serviceNumber`). */
  service: number;
  unitPrice: bigint | null;
  /** The units of its one row in the period (0: none); with several rows, `moreUnits` has them. */
  units: number;
  /** The units of each of its rows in the period, in their order, when it has more than one. */
  moreUnits: number[] | null;
  /** How many rows it has in the period. */
  unitRows: number;
  /** One of those rows is approved and posted. */
  isInvoiced: boolean;
}

/** An organization's contract in the period: its shared `{ psaId, name }` and its services. */
export interface ContractEntry {
  ref: { psaId: string; name: string };
  services: ServiceOnContract[];
}

/** Adds a contract service's units to `total` in their order (a sum of several rows as the rows come). */
function addUnits(total: number, service: ServiceOnContract): number {
  if (service.moreUnits === null) return total + service.units;
  let sum = total;
  for (const units of service.moreUnits) sum += units;
  return sum;
}

/**
 * `psaSideFor` (psa-contracts.ts) for a whole period's rows: the same answers, looked up by index
 * instead of scanning every contract for each (organization, service), which a period of 50,000
 * organizations cannot afford. Also lists the contract services billing units in the period, the
 * rows that come only from the PSA side (over-billed with no usage). Each contract holds its
 * services and each service its period's units, and services are numbered: an answer follows no
 * string key but the organization's.
 */
export class PsaContractIndex {
  private readonly contractsByOrganization = new Map<string, ContractEntry[]>();
  private readonly serviceNumbers = new Map<string, number>();
  private readonly servicePsaIds: string[] = [];
  readonly servicePrices = new Map<string, bigint | null>();

  constructor(data: PsaContractData, period: { key: string }) {
    const first = `${period.key}-01`;
    // The contracts running in the period, by PSA id (an id twice: both), each in its organization's list.
    const running = new Map<string, ContractEntry | ContractEntry[]>();
    for (const contract of data.contracts) {
      if (!(contract.startDate.slice(0, 7) <= period.key && contract.endDate >= first)) continue;
      const entry: ContractEntry = { ref: { psaId: contract.psaId, name: contract.name }, services: [] };
      const same = running.get(contract.psaId);
      running.set(
        contract.psaId,
        same === undefined ? entry : Array.isArray(same) ? [...same, entry] : [same, entry],
      );
      const list = this.contractsByOrganization.get(contract.organizationPsaId);
      if (list) list.push(entry);
      else this.contractsByOrganization.set(contract.organizationPsaId, [entry]);
    }
    // Their services (only theirs: no other is ever asked for), by contract service PSA id.
    let byPsaId = this.services(data, running, false);
    // A PSA id seen twice (not a PSA's own data): again, every service of an id getting its units.
    if (byPsaId === null) {
      for (const entries of running.values())
        for (const entry of Array.isArray(entries) ? entries : [entries]) entry.services.length = 0;
      byPsaId = this.services(data, running, true)!;
    }
    // The period's units of each.
    const monthKey = period.key.length === 7;
    for (const unit of data.contractServiceUnits) {
      // unitPeriodKey without a string made per row (a key is "YYYY-MM", as long as the month it cuts).
      if (!(monthKey ? unit.startDate.startsWith(period.key) : unitPeriodKey(unit) === period.key)) continue;
      const found = byPsaId.get(unit.contractServicePsaId);
      if (found === undefined) continue;
      for (const service of Array.isArray(found) ? found : [found]) {
        if (service.unitRows++ === 0) {
          service.units = unit.units;
        } else {
          service.moreUnits ??= [service.units];
          service.moreUnits.push(unit.units);
        }
        if (unit.approveAndPostDate !== null) service.isInvoiced = true;
      }
    }
    for (const service of data.services) this.servicePrices.set(service.psaId, service.unitPrice);
  }

  /**
   * The services of the running contracts, put on their contracts, by contract service PSA id. With
   * `twice` false, null as soon as an id comes twice (one insert per service, no lookup); with
   * `twice` true, such an id maps to each of its services.
   */
  private services(
    data: PsaContractData,
    running: ReadonlyMap<string, ContractEntry | ContractEntry[]>,
    twice: boolean,
  ): Map<string, ServiceOnContract | ServiceOnContract[]> | null {
    const byPsaId = new Map<string, ServiceOnContract | ServiceOnContract[]>();
    // A contract's services mostly come together: the previous one's contract is asked first.
    let previousId: string | null = null;
    let previous: ContractEntry | ContractEntry[] | undefined;
    for (const service of data.contractServices) {
      if (service.contractPsaId !== previousId) {
        previousId = service.contractPsaId;
        previous = running.get(previousId);
      }
      const contracts = previous;
      if (contracts === undefined) continue;
      const entry: ServiceOnContract = {
        service: this.number(service.servicePsaId),
        unitPrice: service.unitPrice,
        units: 0,
        moreUnits: null,
        unitRows: 0,
        isInvoiced: false,
      };
      if (Array.isArray(contracts)) for (const contract of contracts) contract.services.push(entry);
      else contracts.services.push(entry);
      if (twice) {
        const same = byPsaId.get(service.psaId);
        byPsaId.set(
          service.psaId,
          same === undefined ? entry : Array.isArray(same) ? [...same, entry] : [same, entry],
        );
      } else {
        const size = byPsaId.size;
        byPsaId.set(service.psaId, entry);
        if (byPsaId.size === size) return null;
      }
    }
    return byPsaId;
  }

  private number(servicePsaId: string): number {
    let n = this.serviceNumbers.get(servicePsaId);
    if (n === undefined) {
      n = this.servicePsaIds.length;
      this.servicePsaIds.push(servicePsaId);
      this.serviceNumbers.set(servicePsaId, n);
    }
    return n;
  }

  /** How many services the contract services name (`serviceNumber`'s answers are below it). */
  get serviceCount(): number {
    return this.servicePsaIds.length;
  }

  /** The index's number of a PSA service; -1 when no contract service names it. */
  serviceNumber(servicePsaId: string): number {
    return this.serviceNumbers.get(servicePsaId) ?? -1;
  }

  sideFor(organizationPsaId: string, servicePsaId: string): IndexedPsaSide {
    const contracts = this.contractsByOrganization.get(organizationPsaId);
    if (contracts === undefined || contracts.length === 0) return null;
    const wanted = this.serviceNumber(servicePsaId);
    // One pass, nothing made but the answer: a period of 50,000 organizations asks 400,000 times.
    let carrying: ContractEntry | undefined;
    let count = 0;
    let price: bigint | null = null;
    let isSamePrice = true;
    let psaUnits = 0;
    let isInvoiced = false;
    for (const contract of contracts) {
      for (const service of contract.services) {
        if (service.service !== wanted) continue;
        if (count === 0) price = service.unitPrice;
        else if (service.unitPrice !== price) isSamePrice = false;
        count++;
        carrying ??= contract;
        psaUnits = addUnits(psaUnits, service);
        if (service.isInvoiced) isInvoiced = true;
      }
    }
    const ref = (carrying ?? contracts[0]!).ref;
    if (count === 0) return { contract: ref, contractService: null };
    return {
      contract: ref,
      contractService: { psaUnits, unitPrice: isSamePrice ? price : null, isInvoiced },
    };
  }

  /** The organization's contracts in the period (undefined: none), for `OrganizationSides`. */
  contractsOf(organizationPsaId: string): readonly ContractEntry[] | undefined {
    return this.contractsByOrganization.get(organizationPsaId);
  }

  /**
   * Per organization (in the order of the contracts), the services its contract services bill
   * units for in the period, each once, in the order first billed.
   */
  billedServices(): { organizationPsaId: string; servicePsaIds: string[] }[] {
    const billed: { organizationPsaId: string; servicePsaIds: string[] }[] = [];
    // A service's stamp is the organization's turn: once per organization.
    const seen = new Int32Array(this.servicePsaIds.length).fill(-1);
    let turn = 0;
    for (const [organizationPsaId, contracts] of this.contractsByOrganization) {
      turn++;
      let servicePsaIds: string[] | undefined;
      for (const contract of contracts) {
        for (const service of contract.services) {
          const total = addUnits(0, service);
          if (total <= 0 || seen[service.service] === turn) continue;
          seen[service.service] = turn;
          servicePsaIds ??= [];
          servicePsaIds.push(this.servicePsaIds[service.service]!);
        }
      }
      if (servicePsaIds) billed.push({ organizationPsaId, servicePsaIds });
    }
    return billed;
  }
}

/**
 * `sideFor` of one organization for every service at once: `load` reads its contracts in one pass,
 * then `side(n)` answers for the service numbered n (`serviceNumber`). What a period's rows ask
 * organization by organization: each organization's contracts are read once, not once per row
 * (at 50,000 organizations the row-by-row lookups were mostly cache misses). Reused from one
 * organization to the next.
 */
export class OrganizationSides {
  private readonly count: Int32Array;
  private readonly psaUnits: Float64Array;
  private readonly isSamePrice: Uint8Array;
  private readonly isInvoiced: Uint8Array;
  private readonly price: (bigint | null)[];
  private readonly carrying: (ContractEntry | undefined)[];
  private readonly touched: number[] = [];
  private contracts: readonly ContractEntry[] | undefined;

  constructor(private readonly index: PsaContractIndex) {
    const n = index.serviceCount;
    this.count = new Int32Array(n);
    this.psaUnits = new Float64Array(n);
    this.isSamePrice = new Uint8Array(n);
    this.isInvoiced = new Uint8Array(n);
    this.price = new Array<bigint | null>(n).fill(null);
    this.carrying = new Array<ContractEntry | undefined>(n).fill(undefined);
  }

  /** Reads the organization's contracts; false when it has none (`sideFor` is null for every service). */
  load(organizationPsaId: string): boolean {
    for (const n of this.touched) {
      this.count[n] = 0;
      this.psaUnits[n] = 0;
      this.carrying[n] = undefined;
    }
    this.touched.length = 0;
    const contracts = this.index.contractsOf(organizationPsaId);
    this.contracts = contracts;
    if (contracts === undefined || contracts.length === 0) return false;
    for (const contract of contracts) {
      for (const service of contract.services) {
        const n = service.service;
        if (this.count[n] === 0) {
          this.touched.push(n);
          this.price[n] = service.unitPrice;
          this.isSamePrice[n] = 1;
          this.isInvoiced[n] = 0;
          this.carrying[n] = contract;
        } else if (service.unitPrice !== this.price[n]) {
          this.isSamePrice[n] = 0;
        }
        this.count[n]!++;
        this.psaUnits[n] = addUnits(this.psaUnits[n]!, service);
        if (service.isInvoiced) this.isInvoiced[n] = 1;
      }
    }
    return true;
  }

  /** Whether a contract of the loaded organization carries service n (-1: a service on no contract). */
  carries(n: number): boolean {
    return n !== -1 && this.count[n] !== 0;
  }

  /** The contract carrying service n, else the organization's first in the period. */
  contract(n: number): { psaId: string; name: string } {
    return this.carries(n) ? this.carrying[n]!.ref : this.contracts![0]!.ref;
  }

  /** What the contracts carrying service n bill (`carries(n)`): units, price (null: none or several), invoiced. */
  psaUnitsOf(n: number): number {
    return this.psaUnits[n]!;
  }
  unitPriceOf(n: number): bigint | null {
    return this.isSamePrice[n] === 1 ? this.price[n]! : null;
  }
  isInvoicedOf(n: number): boolean {
    return this.isInvoiced[n] === 1;
  }

  /** `sideFor(organization, service)` of the loaded organization (which has contracts). */
  side(n: number): IndexedPsaSide {
    if (!this.carries(n)) return { contract: this.contract(n), contractService: null };
    return {
      contract: this.contract(n),
      contractService: {
        psaUnits: this.psaUnitsOf(n),
        unitPrice: this.unitPriceOf(n),
        isInvoiced: this.isInvoicedOf(n),
      },
    };
  }
}
