import { attributeUsage, type MappingInterval, type UsageSegment } from "./attribution.ts";
import {
  desiredUnits,
  type SourceContribution,
  type SourceUsage,
  type UnitsPolicy,
  type UnitsStep,
} from "./desired-units.ts";
import { multiplyUnits } from "./money.ts";
import type { BillingPeriod } from "./period.ts";
import type { IndexedPsaSide, PsaContractIndex } from "./psa-contract-index.ts";
import { type ReconciliationState, reconcile } from "./reconciliation.ts";
import type { UsageInterval } from "./usage-ledger.ts";

/**
 * One period's reconciliation for every organization (rules 12, 13, 14), from the ledger, the dated
 * mappings, the service mappings and the PSA's contracts. Pure: the service loads, this computes,
 * the snapshot stores. Rows:
 * - `o:<organization>:s:<service>` per (organization, PSA service), the billing types mapped to the
 *   service added up (each with its own policy); also the PSA's billed contract services no usage
 *   asks for (desired 0: over-billed);
 * - `t:<module>:<billing type>` per billing type with no service mapping (one row, all organizations:
 *   one service mapping fixes it);
 * - `u:<module organization>:<billing type>` per unmapped module organization's usage (one mapping
 *   fixes it).
 * Rows with nothing to bill on either side (0 desired, 0 or no PSA units, not stale) are left out.
 */

export interface ServiceMappingInput {
  moduleKey: string;
  billingType: string;
  psaServiceId: string;
  psaServiceName: string;
  policy: UnitsPolicy;
}

export interface PairUsage {
  moduleOrganizationId: string;
  moduleKey: string;
  billingType: string;
  /** Oldest first: the intervals overlapping the period, plus the last known one before it. */
  intervals: UsageInterval[];
}

export interface PeriodInput {
  period: Pick<BillingPeriod, "key" | "start" | "end">;
  /** "latest" is decided here in the current period (now); the period's end otherwise. */
  asOf: Date;
  /** Per stale module, the instant from which its readings in force count as unknown (`stale`). */
  staleFrom: ReadonlyMap<string, Date>;
  serviceMappings: readonly ServiceMappingInput[];
  usage: Iterable<PairUsage>;
  mappings: ReadonlyMap<string, readonly MappingInterval[]>;
  /** Organization id -> its PSA id (contracts name the PSA's organization). */
  organizationPsaIds: ReadonlyMap<string, string>;
  /** Null when the PSA's contracts were never read: every mapped row is then no_contract. */
  psa: PsaContractIndex | null;
}

export interface RowBillingTypeRef {
  moduleKey: string;
  billingType: string;
  policy: UnitsPolicy | null;
}

export interface RowSourceRef extends SourceContribution {
  billingType: string;
}

export interface PeriodRow {
  key: string;
  state: ReconciliationState;
  organizationId: string | null;
  service: { psaId: string; name: string } | null;
  contract: { psaId: string; name: string } | null;
  billingTypes: RowBillingTypeRef[];
  moduleOrganizationId: string | null;
  sources: RowSourceRef[];
  steps: UnitsStep[];
  desiredUnits: number | null;
  psaUnits: number | null;
  differenceUnits: number | null;
  unitsAtStake: number;
  unitPrice: bigint | null;
  priceSource: "contract" | "service" | null;
  /** Signed like the difference: positive is revenue lost. */
  money: bigint | null;
  isStale: boolean;
  isInvoiced: boolean;
}

interface Draft extends DraftCore {
  sources: RowSourceRef[];
  stepLists: UnitsStep[][];
}

/** Rule 13 at read time: a stale module's reading in force turns unknown (`stale`) from `from` on. */
export function withStaleness(intervals: readonly UsageInterval[], from: Date | undefined): UsageInterval[] {
  const last = intervals.at(-1);
  if (!from || !last || last.validTo !== null || last.quantity === null || last.validFrom >= from) {
    return [...intervals];
  }
  return [
    ...intervals.slice(0, -1),
    { ...last, validTo: from },
    { quantity: null, unknownReason: "stale", validFrom: from, validTo: null },
  ];
}

/**
 * The sum of several step functions over the period (billing types added into one service). A
 * sweep over the edges: each step adds its units at its start and takes them back at its end, so a
 * billing type's row summing thousands of organizations' steps costs their count, not edges times
 * that count (each list's steps are disjoint, as `desiredUnits` makes them).
 */
export function mergeSteps(lists: readonly UnitsStep[][]): UnitsStep[] {
  if (lists.length === 1) return lists[0]!;
  const deltas = new Map<number, { units: number; unknownSources: number; covering: number }>();
  const delta = (at: number) => {
    let found = deltas.get(at);
    if (!found) {
      found = { units: 0, unknownSources: 0, covering: 0 };
      deltas.set(at, found);
    }
    return found;
  };
  for (const steps of lists) {
    for (const step of steps) {
      const from = step.from.getTime();
      const to = step.to.getTime();
      const start = delta(from);
      const end = delta(to);
      if (from >= to) continue;
      start.units += step.units;
      start.unknownSources += step.unknownSources;
      start.covering += 1;
      end.units -= step.units;
      end.unknownSources -= step.unknownSources;
      end.covering -= 1;
    }
  }
  const edges = [...deltas.keys()].sort((a, b) => a - b);
  const merged: UnitsStep[] = [];
  let units = 0;
  let unknownSources = 0;
  let covering = 0;
  for (let i = 0; i + 1 < edges.length; i++) {
    const from = edges[i]!;
    const change = deltas.get(from)!;
    units += change.units;
    unknownSources += change.unknownSources;
    covering += change.covering;
    if (covering > 0)
      merged.push({ from: new Date(from), to: new Date(edges[i + 1]!), units, unknownSources });
  }
  return merged;
}

const addUnits = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : a + b);

export function reconcilePeriod(input: PeriodInput): PeriodRow[] {
  return [...draftRows(input).values()].flatMap((d) => finish(input, d));
}

/** What a row's drill-down shows: the module organizations whose usage made it, and its steps. */
export interface RowTrace {
  sources: RowSourceRef[];
  steps: UnitsStep[];
}

/**
 * One row's drill-down, the same `reconcilePeriod` gives the row (its `sources` and `steps`), from
 * an input that holds at least every pair the row can draw on: the module organizations mapped to
 * its organization in the period (an `o:` row), the billing type's pairs (`t:`), the module
 * organization's (`u:`). Other rows of such an input come out partial; this one is whole, since a
 * row only sums pieces attributed to it. Null when the row has no usage behind it (a PSA-only row:
 * no sources, no steps).
 */
export function rowTrace(
  input: Omit<PeriodInput, "psa" | "organizationPsaIds">,
  key: string,
): RowTrace | null {
  const d = draftRows({ ...input, psa: null, organizationPsaIds: new Map() }).get(key);
  if (!d) return null;
  return { sources: d.sources, steps: mergeSteps(d.stepLists.length === 0 ? [[]] : d.stepLists) };
}

function draftRows(input: PeriodInput): Map<string, Draft> {
  const serviceMappings = new Map(
    input.serviceMappings.map((m) => [`${m.moduleKey}\u0000${m.billingType}`, m]),
  );
  // Attribute every pair (rule 12), then group the mapped pieces per (module, billing type).
  const groups = new Map<string, { moduleKey: string; billingType: string; sources: SourceUsage[] }>();
  const unmapped: { pair: PairUsage; source: SourceUsage }[] = [];
  for (const pair of input.usage) {
    const intervals = withStaleness(pair.intervals, input.staleFrom.get(pair.moduleKey));
    const segments = attributeUsage(
      input.period,
      input.mappings.get(pair.moduleOrganizationId) ?? [],
      intervals,
    );
    const mapped: UsageSegment[] = [];
    const loose: UsageSegment[] = [];
    for (const segment of segments) (segment.organizationId === null ? loose : mapped).push(segment);
    if (loose.length > 0) {
      unmapped.push({ pair, source: { moduleOrganizationId: pair.moduleOrganizationId, segments: loose } });
    }
    if (mapped.length === 0) continue;
    const groupKey = `${pair.moduleKey}\u0000${pair.billingType}`;
    let group = groups.get(groupKey);
    if (!group) {
      group = { moduleKey: pair.moduleKey, billingType: pair.billingType, sources: [] };
      groups.set(groupKey, group);
    }
    group.sources.push({ moduleOrganizationId: pair.moduleOrganizationId, segments: mapped });
  }

  const drafts = new Map<string, Draft>();
  const draft = (key: string, init: () => Omit<Draft, "key">) => {
    let found = drafts.get(key);
    if (!found) {
      found = { key, ...init() };
      drafts.set(key, found);
    }
    return found;
  };
  for (const [groupKey, group] of groups) {
    const mapping = serviceMappings.get(groupKey);
    const policy = mapping?.policy ?? "latest";
    const ref: RowBillingTypeRef = {
      moduleKey: group.moduleKey,
      billingType: group.billingType,
      policy: mapping?.policy ?? null,
    };
    for (const result of desiredUnits(input.period, policy, group.sources, input.asOf)) {
      const organizationId = result.organizationId as string;
      const key = mapping
        ? `o:${organizationId}:s:${mapping.psaServiceId}`
        : `t:${group.moduleKey}:${group.billingType}`;
      const row = draft(key, () => ({
        organizationId: mapping ? organizationId : null,
        service: mapping ? { psaId: mapping.psaServiceId, name: mapping.psaServiceName } : null,
        moduleOrganizationId: null,
        billingTypes: [],
        units: null,
        isStale: false,
        sources: [],
        stepLists: [],
      }));
      if (!row.billingTypes.some((b) => b.moduleKey === ref.moduleKey && b.billingType === ref.billingType)) {
        row.billingTypes.push(ref);
      }
      row.units = addUnits(row.units, result.units);
      row.isStale ||= result.isStale;
      for (const source of result.sources) row.sources.push({ ...source, billingType: group.billingType });
      row.stepLists.push(result.steps);
    }
  }
  for (const { pair, source } of unmapped) {
    const mapping = serviceMappings.get(`${pair.moduleKey}\u0000${pair.billingType}`);
    const [result] = desiredUnits(input.period, mapping?.policy ?? "latest", [source], input.asOf);
    if (!result || (result.units === 0 && !result.isStale)) continue;
    drafts.set(`u:${pair.moduleOrganizationId}:${pair.billingType}`, {
      key: `u:${pair.moduleOrganizationId}:${pair.billingType}`,
      organizationId: null,
      service: mapping ? { psaId: mapping.psaServiceId, name: mapping.psaServiceName } : null,
      moduleOrganizationId: pair.moduleOrganizationId,
      billingTypes: [
        { moduleKey: pair.moduleKey, billingType: pair.billingType, policy: mapping?.policy ?? null },
      ],
      units: result.units,
      isStale: result.isStale,
      sources: result.sources.map((s) => ({ ...s, billingType: pair.billingType })),
      stepLists: [result.steps],
    });
  }
  addPsaOnlyRows(input, drafts);
  return drafts;
}

/** A row before its PSA side is looked up: what both computations (this, `reconcileColumns`) draft. */
export interface DraftCore {
  key: string;
  organizationId: string | null;
  service: { psaId: string; name: string } | null;
  moduleOrganizationId: string | null;
  billingTypes: RowBillingTypeRef[];
  units: number | null;
  isStale: boolean;
}

/**
 * Contract services billing units that no usage asks for: desired 0, so over-billed (rule 14).
 * `has(organizationId, servicePsaId)`: whether usage drafted that row already.
 */
export function psaOnlyDrafts(
  input: Pick<PeriodInput, "psa" | "organizationPsaIds" | "serviceMappings">,
  has: (organizationId: string, servicePsaId: string) => boolean,
): DraftCore[] {
  if (!input.psa) return [];
  const organizationByPsaId = new Map<string, string>();
  for (const [id, psaId] of input.organizationPsaIds) organizationByPsaId.set(psaId, id);
  // Per service: its name and billing types, shared by its rows.
  const byService = new Map<
    string,
    { service: { psaId: string; name: string }; billingTypes: RowBillingTypeRef[] }
  >();
  for (const mapping of input.serviceMappings) {
    const ref = { moduleKey: mapping.moduleKey, billingType: mapping.billingType, policy: mapping.policy };
    const found = byService.get(mapping.psaServiceId);
    if (found) found.billingTypes.push(ref);
    else
      byService.set(mapping.psaServiceId, {
        service: { psaId: mapping.psaServiceId, name: mapping.psaServiceName },
        billingTypes: [ref],
      });
  }
  const drafts: DraftCore[] = [];
  for (const { organizationPsaId, servicePsaIds } of input.psa.billedServices()) {
    const organizationId = organizationByPsaId.get(organizationPsaId);
    if (organizationId === undefined) continue;
    for (const servicePsaId of servicePsaIds) {
      const mapped = byService.get(servicePsaId);
      // A service no billing type maps to (labor, licenses sold by hand) is not orgmap's to judge.
      if (mapped === undefined) continue;
      if (has(organizationId, servicePsaId)) continue;
      drafts.push({
        key: `o:${organizationId}:s:${servicePsaId}`,
        organizationId,
        service: mapped.service,
        moduleOrganizationId: null,
        billingTypes: mapped.billingTypes,
        units: 0,
        isStale: false,
      });
    }
  }
  return drafts;
}

function addPsaOnlyRows(input: PeriodInput, drafts: Map<string, Draft>): void {
  const found = psaOnlyDrafts(input, (organizationId, servicePsaId) =>
    drafts.has(`o:${organizationId}:s:${servicePsaId}`),
  );
  for (const d of found) drafts.set(d.key, { ...d, sources: [], stepLists: [] });
}

/** A row without its drill-down (sources, steps): what the stored form needs. */
export type SettledRow = Omit<PeriodRow, "sources" | "steps">;

/**
 * A drafted row compared with the PSA's side (rule 14), its money at the contract's or the
 * service's price; null when it has nothing to bill on either side.
 */
export function settle(
  input: Pick<PeriodInput, "psa" | "organizationPsaIds">,
  d: DraftCore,
): SettledRow | null {
  const psaId = d.organizationId === null ? undefined : input.organizationPsaIds.get(d.organizationId);
  const side =
    d.service && d.organizationId !== null && psaId !== undefined && input.psa
      ? input.psa.sideFor(psaId, d.service.psaId)
      : null;
  const listPrice = d.service ? (input.psa?.servicePrices.get(d.service.psaId) ?? null) : null;
  return settleWith(d, side, listPrice);
}

/**
 * `settle` with its lookups done by the caller: `side`, the PSA's side of the row's organization
 * and service (null: none, or no service or organization); `listPrice`, the service's list price
 * (null: none, or no service). `reconcileColumns` looks them up organization by organization.
 */
export function settleWith(d: DraftCore, side: IndexedPsaSide, listPrice: bigint | null): SettledRow | null {
  const result = reconcile({
    // An unmapped module organization's row has no organization; a billing type's row stands for all.
    organizationId: d.moduleOrganizationId !== null ? null : (d.organizationId ?? "*"),
    desiredUnits: d.units,
    isStale: d.isStale,
    hasServiceMapping: d.service !== null,
    contract: side === null ? null : { contractService: side.contractService },
  });
  if (d.units === 0 && (result.psaUnits ?? 0) === 0 && !d.isStale) return null;
  const unitsAtStake = result.psaUnits === null ? (d.units ?? 0) : Math.abs(result.differenceUnits ?? 0);
  const onContract = side?.contractService ?? null;
  const unitPrice = onContract ? onContract.unitPrice : listPrice;
  const money = onContract
    ? result.differenceMoney
    : unitPrice === null
      ? null
      : multiplyUnits(unitsAtStake, unitPrice);
  return {
    key: d.key,
    state: result.state,
    organizationId: d.organizationId,
    service: d.service,
    contract: side?.contract ?? null,
    billingTypes: d.billingTypes,
    moduleOrganizationId: d.moduleOrganizationId,
    desiredUnits: d.units,
    psaUnits: result.psaUnits,
    differenceUnits: result.differenceUnits,
    unitsAtStake,
    unitPrice,
    priceSource: unitPrice === null ? null : onContract ? "contract" : "service",
    money,
    isStale: d.isStale,
    isInvoiced: onContract?.isInvoiced ?? false,
  };
}

function finish(input: PeriodInput, d: Draft): PeriodRow[] {
  const row = settle(input, d);
  if (row === null) return [];
  return [{ ...row, sources: d.sources, steps: mergeSteps(d.stepLists.length === 0 ? [[]] : d.stepLists) }];
}
