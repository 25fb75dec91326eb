import { compareCodePoints } from "../text.ts";
import type { MappingInterval } from "./attribution.ts";
import type { PairUsage } from "./reconcile-period.ts";
import type { UnknownReason } from "./usage-ledger.ts";

/**
 * A period's ledger intervals and dated mappings as columns of numbers (`reconcileColumns`' input):
 * 1.47 million intervals as objects with two Dates each made most of a 50,000-organization period's
 * reads and calculation. Times are epoch milliseconds; an open end is `Infinity`; an unknown
 * quantity is `NaN` with its reason's code (`REASONS`). Strings (ids, modules, billing types) are
 * kept once, in dictionaries, and named by their index.
 */
export interface UsageColumns {
  /** Module organization ids by index. */
  moduleOrganizationIds: readonly string[];
  /** Organization ids (of the mappings) by index. */
  organizationIds: readonly string[];
  /** The (module, billing type) of each pair kind, by index. */
  kinds: readonly { moduleKey: string; billingType: string }[];
  pairCount: number;
  pairModuleOrganization: Int32Array;
  pairKind: Int32Array;
  /** Pair p's intervals are [pairStart[p], pairStart[p + 1]), oldest first. */
  pairStart: Int32Array;
  intervalFrom: Float64Array;
  intervalTo: Float64Array;
  intervalQuantity: Float64Array;
  intervalReason: Uint8Array;
  /** Module organization m's mapping intervals are [mappingStart[m], mappingStart[m + 1]), oldest first. */
  mappingStart: Int32Array;
  /** Organization index; -1 for none. */
  mappingOrganization: Int32Array;
  mappingExcluded: Uint8Array;
  mappingFrom: Float64Array;
  mappingTo: Float64Array;
}

/** Reason codes: 0 is none (a known quantity). */
export const REASONS: readonly (UnknownReason | null)[] = [null, "failed", "skipped", "stale"];
export const REASON_CODE: Readonly<Record<UnknownReason, number>> = { failed: 1, skipped: 2, stale: 3 };

class Float64Column {
  data = new Float64Array(1024);
  length = 0;
  push(value: number) {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  done() {
    return this.data.slice(0, this.length);
  }
}

class Int32Column {
  data = new Int32Array(1024);
  length = 0;
  push(value: number) {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  done() {
    return this.data.slice(0, this.length);
  }
}

/**
 * Builds `UsageColumns`: a module organization, then its mappings (oldest first); a pair (of any
 * module organization built so far), then its intervals (oldest first). The repository's reader
 * and the tests' converter use it.
 */
export class UsageColumnsBuilder {
  private readonly moduleOrganizationIds: string[] = [];
  private readonly organizationIds: string[] = [];
  private readonly organizationIndex = new Map<string, number>();
  private readonly kinds: { moduleKey: string; billingType: string }[] = [];
  private readonly kindIndex = new Map<string, number>();
  private readonly pairModuleOrganization = new Int32Column();
  private readonly pairKind = new Int32Column();
  private readonly pairStart = new Int32Column();
  private readonly intervalFrom = new Float64Column();
  private readonly intervalTo = new Float64Column();
  private readonly intervalQuantity = new Float64Column();
  private readonly intervalReason = new Int32Column();
  private readonly mappingStart = new Int32Column();
  private readonly mappingOrganization = new Int32Column();
  private readonly mappingExcluded = new Int32Column();
  private readonly mappingFrom = new Float64Column();
  private readonly mappingTo = new Float64Column();

  /** Starts a module organization; its mappings and pairs follow. Returns its index. */
  moduleOrganization(id: string): number {
    this.mappingStart.push(this.mappingFrom.length);
    this.moduleOrganizationIds.push(id);
    return this.moduleOrganizationIds.length - 1;
  }

  /** A mapping interval of the current module organization; `to` Infinity while in force. */
  mapping(organizationId: string | null, isExcluded: boolean, from: number, to: number): void {
    let organization = -1;
    if (organizationId !== null) {
      organization = this.organizationIndex.get(organizationId) ?? -1;
      if (organization === -1) {
        organization = this.organizationIds.length;
        this.organizationIds.push(organizationId);
        this.organizationIndex.set(organizationId, organization);
      }
    }
    this.mappingOrganization.push(organization);
    this.mappingExcluded.push(isExcluded ? 1 : 0);
    this.mappingFrom.push(from);
    this.mappingTo.push(to);
  }

  /** Starts a pair of module organization `moduleOrganization` (an index); its intervals follow. */
  pair(moduleOrganization: number, moduleKey: string, billingType: string): void {
    const key = `${moduleKey}\u0000${billingType}`;
    let kind = this.kindIndex.get(key);
    if (kind === undefined) {
      kind = this.kinds.length;
      this.kinds.push({ moduleKey, billingType });
      this.kindIndex.set(key, kind);
    }
    this.pairModuleOrganization.push(moduleOrganization);
    this.pairKind.push(kind);
    this.pairStart.push(this.intervalFrom.length);
  }

  /** An interval of the current pair: `quantity` NaN while unknown (`reason` its code), `to` Infinity while open. */
  interval(quantity: number, reason: number, from: number, to: number): void {
    this.intervalQuantity.push(quantity);
    this.intervalReason.push(reason);
    this.intervalFrom.push(from);
    this.intervalTo.push(to);
  }

  done(): UsageColumns {
    const pairCount = this.pairKind.length;
    const pairStart = new Int32Array(pairCount + 1);
    pairStart.set(this.pairStart.data.subarray(0, pairCount));
    pairStart[pairCount] = this.intervalFrom.length;
    const moduleOrganizations = this.moduleOrganizationIds.length;
    const mappingStart = new Int32Array(moduleOrganizations + 1);
    mappingStart.set(this.mappingStart.data.subarray(0, moduleOrganizations));
    mappingStart[moduleOrganizations] = this.mappingFrom.length;
    return {
      moduleOrganizationIds: this.moduleOrganizationIds,
      organizationIds: this.organizationIds,
      kinds: this.kinds,
      pairCount,
      pairModuleOrganization: this.pairModuleOrganization.done(),
      pairKind: this.pairKind.done(),
      pairStart,
      intervalFrom: this.intervalFrom.done(),
      intervalTo: this.intervalTo.done(),
      intervalQuantity: this.intervalQuantity.done(),
      intervalReason: Uint8Array.from(this.intervalReason.done()),
      mappingStart,
      mappingOrganization: this.mappingOrganization.done(),
      mappingExcluded: Uint8Array.from(this.mappingExcluded.done()),
      mappingFrom: this.mappingFrom.done(),
      mappingTo: this.mappingTo.done(),
    };
  }
}

/** A mapping interval as read, its module organization by id (a list in module organization order). */
export interface MappingRow {
  moduleOrganizationId: string;
  organizationId: string | null;
  isExcluded: boolean;
  /** Epoch milliseconds; `to` Infinity while in force. */
  from: number;
  to: number;
}

/**
 * A period's intervals taken in any order (the ledger's heap order: a read that sorts nothing),
 * put in `UsageColumnsBuilder`'s order by `columns`: module organizations by id (uuid order, which
 * is the text's), each one's pairs by billing type (code point order), each pair's intervals
 * oldest first. The same columns as a read sorted by the database.
 */
export class UnorderedUsage {
  private readonly moduleOrganizationIds: string[] = [];
  private readonly moduleOrganizationIndex = new Map<string, number>();
  private readonly moduleKeys: string[] = [];
  private readonly billingTypes: string[] = [];
  private readonly billingTypeIndex = new Map<string, number>();
  private readonly mo = new Int32Column();
  private readonly type = new Int32Column();
  private readonly quantity = new Float64Column();
  private readonly reason = new Int32Column();
  private readonly from = new Float64Column();
  private readonly to = new Float64Column();

  /** The module organization's index (its module key kept with it). */
  moduleOrganization(id: string, moduleKey: string): number {
    let index = this.moduleOrganizationIndex.get(id);
    if (index === undefined) {
      index = this.moduleOrganizationIds.length;
      this.moduleOrganizationIds.push(id);
      this.moduleKeys.push(moduleKey);
      this.moduleOrganizationIndex.set(id, index);
    }
    return index;
  }

  billingType(billingType: string): number {
    let index = this.billingTypeIndex.get(billingType);
    if (index === undefined) {
      index = this.billingTypes.length;
      this.billingTypes.push(billingType);
      this.billingTypeIndex.set(billingType, index);
    }
    return index;
  }

  /** An interval: `quantity` NaN while unknown (`reason` its code), `to` Infinity while open. */
  interval(
    moduleOrganization: number,
    billingType: number,
    quantity: number,
    reason: number,
    from: number,
    to: number,
  ) {
    this.mo.push(moduleOrganization);
    this.type.push(billingType);
    this.quantity.push(quantity);
    this.reason.push(reason);
    this.from.push(from);
    this.to.push(to);
  }

  /** The columns, with the mappings (in module organization order, each one's oldest first). */
  columns(mappings: readonly MappingRow[]): UsageColumns {
    const count = this.mo.length;
    const mo = this.mo.data;
    const type = this.type.data;
    const from = this.from.data;
    // Billing types ranked by code point, module organizations by id.
    const typeRank = new Int32Array(this.billingTypes.length);
    [...this.billingTypes.keys()]
      .sort((a, b) => compareCodePoints(this.billingTypes[a]!, this.billingTypes[b]!))
      .forEach((type, rank) => {
        typeRank[type] = rank;
      });
    const ids = this.moduleOrganizationIds;
    const moOrder = [...ids.keys()].sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
    // The intervals grouped by module organization (a counting sort), then each group by billing
    // type and start (insertion sort: a module organization has a handful).
    const start = new Int32Array(ids.length + 1);
    for (let i = 0; i < count; i++) start[mo[i]! + 1]!++;
    for (let m = 0; m < ids.length; m++) start[m + 1]! += start[m]!;
    const next = start.slice(0, ids.length);
    const order = new Int32Array(count);
    for (let i = 0; i < count; i++) order[next[mo[i]!]!++] = i;
    const before = (i: number, j: number) =>
      typeRank[type[i]!]! < typeRank[type[j]!]! || (type[i] === type[j] && from[i]! < from[j]!);
    for (let m = 0; m < ids.length; m++) {
      for (let k = start[m]! + 1; k < start[m + 1]!; k++) {
        const value = order[k]!;
        let j = k - 1;
        while (j >= start[m]! && before(value, order[j]!)) {
          order[j + 1] = order[j]!;
          j--;
        }
        order[j + 1] = value;
      }
    }
    const builder = new UsageColumnsBuilder();
    let cursor = 0;
    for (const m of moOrder) {
      const id = ids[m]!;
      const index = builder.moduleOrganization(id);
      while (cursor < mappings.length && mappings[cursor]!.moduleOrganizationId < id) cursor++;
      for (; cursor < mappings.length && mappings[cursor]!.moduleOrganizationId === id; cursor++) {
        const row = mappings[cursor]!;
        builder.mapping(row.organizationId, row.isExcluded, row.from, row.to);
      }
      let pairType = -1;
      for (let k = start[m]!; k < start[m + 1]!; k++) {
        const i = order[k]!;
        if (type[i] !== pairType) {
          pairType = type[i]!;
          builder.pair(index, this.moduleKeys[m]!, this.billingTypes[pairType]!);
        }
        builder.interval(this.quantity.data[i]!, this.reason.data[i]!, from[i]!, this.to.data[i]!);
      }
    }
    return builder.done();
  }
}

/**
 * The columns of pairs and mappings in object form (`usageForPeriod`, `mappingsForPeriod`), pairs in
 * the same order: what `reconcilePeriod` (the reference) and `reconcileColumns` compute alike.
 */
export function usageColumns(
  usage: Iterable<PairUsage>,
  mappings: ReadonlyMap<string, readonly MappingInterval[]>,
): UsageColumns {
  const builder = new UsageColumnsBuilder();
  const index = new Map<string, number>();
  for (const pair of usage) {
    let moduleOrganization = index.get(pair.moduleOrganizationId);
    if (moduleOrganization === undefined) {
      moduleOrganization = builder.moduleOrganization(pair.moduleOrganizationId);
      index.set(pair.moduleOrganizationId, moduleOrganization);
      for (const m of mappings.get(pair.moduleOrganizationId) ?? []) {
        builder.mapping(
          m.organizationId,
          m.isExcluded,
          m.validFrom.getTime(),
          m.validTo?.getTime() ?? Infinity,
        );
      }
    }
    builder.pair(moduleOrganization, pair.moduleKey, pair.billingType);
    for (const i of pair.intervals) {
      builder.interval(
        i.quantity ?? NaN,
        i.unknownReason === null ? 0 : REASON_CODE[i.unknownReason],
        i.validFrom.getTime(),
        i.validTo?.getTime() ?? Infinity,
      );
    }
  }
  return builder.done();
}
