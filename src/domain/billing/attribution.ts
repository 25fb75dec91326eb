import type { BillingPeriod } from "./period.ts";
import type { UnknownReason, UsageInterval } from "./usage-ledger.ts";

/**
 * Product rule 12: usage follows the mapping in force when it was read. A module organization's
 * usage in a period is cut into segments at every mapping change and every usage change, each
 * attributed to the organization mapped at that time. A move on the 15th splits the period on the
 * 15th. Time while the module organization is excluded is never billed.
 */

/** The mapping of one module organization during [validFrom, validTo). */
export interface MappingInterval {
  /** The organization it was mapped to; null while unmapped. */
  organizationId: string | null;
  /** Excluded ("never bill this"): its usage is dropped, mapped or not. */
  isExcluded: boolean;
  validFrom: Date;
  /** Exclusive end; null while still in force. */
  validTo: Date | null;
}

/** A stretch of time with one organization (or none) and one usage state. */
export interface UsageSegment {
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Null: usage with no mapping (an unmapped module organization). */
  organizationId: string | null;
  /** The quantity read; null while unknown. */
  quantity: number | null;
  unknownReason: UnknownReason | null;
  /** While unknown: the last quantity known before (rule 13 keeps it); null if none ever was. */
  lastKnownQuantity: number | null;
}

interface Timed {
  validFrom: Date;
  validTo: Date | null;
}

function covers(interval: Timed, ms: number): boolean {
  return interval.validFrom.getTime() <= ms && (interval.validTo === null || ms < interval.validTo.getTime());
}

function inForceAt<T extends Timed>(intervals: readonly T[], ms: number): T | null {
  // The latest-starting interval that covers the instant wins, should stored intervals overlap.
  let found: T | null = null;
  for (const interval of intervals) {
    if (covers(interval, ms) && (found === null || interval.validFrom >= found.validFrom)) found = interval;
  }
  return found;
}

function lastKnownBefore(usage: readonly UsageInterval[], ms: number): number | null {
  let best: UsageInterval | null = null;
  for (const interval of usage) {
    if (interval.quantity === null || interval.validFrom.getTime() > ms) continue;
    if (best === null || interval.validFrom > best.validFrom) best = interval;
  }
  return best?.quantity ?? null;
}

/**
 * Splits `period` for one module organization into attributed usage segments, in time order.
 * Time before its first reading, and time while it is excluded, yields no segment. Time with no
 * mapping interval counts as unmapped.
 */
export function attributeUsage(
  period: Pick<BillingPeriod, "start" | "end">,
  mappings: readonly MappingInterval[],
  usage: readonly UsageInterval[],
): UsageSegment[] {
  const start = period.start.getTime();
  const end = period.end.getTime();
  const cuts = new Set<number>([start, end]);
  for (const interval of [...mappings, ...usage]) {
    for (const edge of [interval.validFrom.getTime(), interval.validTo?.getTime()]) {
      if (edge !== undefined && edge > start && edge < end) cuts.add(edge);
    }
  }
  const edges = [...cuts].sort((a, b) => a - b);
  const segments: UsageSegment[] = [];
  for (let index = 0; index + 1 < edges.length; index++) {
    const from = edges[index]!;
    const to = edges[index + 1]!;
    const reading = inForceAt(usage, from);
    if (reading === null) continue;
    const mapping = inForceAt(mappings, from);
    if (mapping?.isExcluded) continue;
    const segment: UsageSegment = {
      from: new Date(from),
      to: new Date(to),
      organizationId: mapping?.organizationId ?? null,
      quantity: reading.quantity,
      unknownReason: reading.quantity === null ? (reading.unknownReason ?? "failed") : null,
      lastKnownQuantity: reading.quantity === null ? lastKnownBefore(usage, from) : null,
    };
    const previous = segments.at(-1);
    if (previous && continues(previous, segment)) previous.to = segment.to;
    else segments.push(segment);
  }
  return segments;
}

function continues(previous: UsageSegment, next: UsageSegment): boolean {
  return (
    previous.to.getTime() === next.from.getTime() &&
    previous.organizationId === next.organizationId &&
    previous.quantity === next.quantity &&
    previous.unknownReason === next.unknownReason &&
    previous.lastKnownQuantity === next.lastKnownQuantity
  );
}
