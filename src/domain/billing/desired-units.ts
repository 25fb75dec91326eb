import type { UsageSegment } from "./attribution.ts";
import type { BillingPeriod } from "./period.ts";
import type { UnknownReason } from "./usage-ledger.ts";

/**
 * Desired units per (organization, billing type, period): what the period should bill. Policy
 * "latest" (the default) takes the units in force at the end of the period (or now, for the
 * current period); "peak" takes the highest total the organization reached in the period.
 * Unknown readings keep the last known quantity and flag the result stale, so a failed read
 * never lowers what is billed (product rule 13).
 */

export type UnitsPolicy = "latest" | "peak";

/** The attributed segments of one module organization (see attributeUsage). */
export interface SourceUsage {
  moduleOrganizationId: string;
  segments: readonly UsageSegment[];
}

export interface UnitsStep {
  from: Date;
  to: Date;
  units: number;
  /** Module organizations whose quantity was unknown in this step (their last known is counted). */
  unknownSources: number;
}

export interface SourceContribution {
  moduleOrganizationId: string;
  /** Units counted from this source at the deciding time (last known when unknown); null if none. */
  units: number | null;
  unknownReason: UnknownReason | null;
}

export interface DesiredUnits {
  /** Null: the usage of unmapped module organizations, listed with its quantity. */
  organizationId: string | null;
  policy: UnitsPolicy;
  /** Null when no source attributed here ever had a known quantity. */
  units: number | null;
  /** True when an unknown reading was replaced by its last known quantity (or by nothing). */
  isStale: boolean;
  /** The organization's total through the period: where a posting would put effective dates. */
  steps: UnitsStep[];
  /** The module organizations whose usage made the units (the drill-down). */
  sources: SourceContribution[];
}

interface Piece {
  source: string;
  segment: UsageSegment;
  /** The segment's bounds in milliseconds, read once: this runs for every pair of a period. */
  from: number;
  to: number;
}

function countedUnits(segment: UsageSegment): number | null {
  return segment.quantity ?? segment.lastKnownQuantity;
}

function stepsOf(pieces: readonly Piece[]): { step: UnitsStep; covering: Piece[]; known: boolean }[] {
  const all: number[] = [];
  for (const piece of pieces) all.push(piece.from, piece.to);
  all.sort((a, b) => a - b);
  // Distinct edges only: the unmapped group can hold thousands of pieces sharing a few edges.
  const edges = all.filter((edge, index) => index === 0 || edge !== all[index - 1]);
  const steps: { step: UnitsStep; covering: Piece[]; known: boolean }[] = [];
  for (let index = 0; index + 1 < edges.length; index++) {
    const from = edges[index]!;
    const to = edges[index + 1]!;
    const covering: Piece[] = [];
    let units = 0;
    let unknownSources = 0;
    let known = false;
    for (const piece of pieces) {
      if (piece.from > from || from >= piece.to) continue;
      covering.push(piece);
      const counted = countedUnits(piece.segment);
      if (counted !== null) {
        units += counted;
        known = true;
      }
      if (piece.segment.quantity === null) unknownSources += 1;
    }
    if (covering.length === 0) continue;
    steps.push({ step: { from: new Date(from), to: new Date(to), units, unknownSources }, covering, known });
  }
  return steps;
}

/**
 * Desired units for every organization the sources' segments name (null for unmapped usage), for
 * one billing type and one period. `asOf` bounds "latest" in the current period (default: the
 * period's end); segments are expected to lie inside the period, as attributeUsage makes them.
 */
export function desiredUnits(
  period: Pick<BillingPeriod, "start" | "end">,
  policy: UnitsPolicy,
  sources: readonly SourceUsage[],
  asOf: Date = period.end,
): DesiredUnits[] {
  const limit = Math.min(asOf.getTime(), period.end.getTime());
  const byOrganization = new Map<string | null, Piece[]>();
  for (const source of sources) {
    for (const segment of source.segments) {
      const from = segment.from.getTime();
      if (from >= limit) continue;
      const to = Math.min(segment.to.getTime(), limit);
      let list = byOrganization.get(segment.organizationId);
      if (list === undefined) {
        list = [];
        byOrganization.set(segment.organizationId, list);
      }
      list.push({ source: source.moduleOrganizationId, segment, from, to });
    }
  }
  const results: DesiredUnits[] = [];
  for (const [organizationId, pieces] of byOrganization) {
    const steps = stepsOf(pieces);
    const lastEnd = steps.at(-1)?.step.to.getTime();
    let chosen: (typeof steps)[number] | undefined;
    if (policy === "latest") {
      // Units in force at the deciding instant; a source that left earlier counts 0 here.
      chosen = lastEnd === limit ? steps.at(-1) : undefined;
    } else {
      for (const step of steps) if (!chosen || step.step.units > chosen.step.units) chosen = step;
    }
    const isStale =
      policy === "latest"
        ? (chosen?.step.unknownSources ?? 0) > 0
        : pieces.some((piece) => piece.segment.quantity === null);
    results.push({
      organizationId,
      policy,
      units: chosen === undefined ? 0 : chosen.known ? chosen.step.units : null,
      isStale,
      steps: steps.map((entry) => entry.step),
      sources: contributions(pieces, chosen?.covering ?? []),
    });
  }
  return results;
}

function contributions(all: readonly Piece[], chosen: readonly Piece[]): SourceContribution[] {
  // By source id: the unmapped group can hold thousands of module organizations.
  const chosenBySource = new Map(chosen.map((piece) => [piece.source, piece]));
  const ids = [...new Set(all.map((piece) => piece.source))];
  return ids.map((id) => {
    const piece = chosenBySource.get(id);
    return {
      moduleOrganizationId: id,
      units: piece ? countedUnits(piece.segment) : 0,
      unknownReason: piece?.segment.unknownReason ?? null,
    };
  });
}
