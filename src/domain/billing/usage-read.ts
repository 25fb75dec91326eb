import type { UnknownReason, UsageReading } from "./usage-ledger.ts";

/**
 * What one usage read of a module gave, before it reaches the ledger: a reading per (module
 * organization external id, billing type), known or unknown with its reason.
 */
export type ModuleUsageReading =
  | { externalId: string; billingType: string; quantity: number }
  | { externalId: string; billingType: string; quantity: null; reason: UnknownReason; detail: string };

export interface RejectedUsage {
  reason: string;
  raw: unknown;
}

export type UsageReadResult =
  /** The whole list was read: what it does not name was not reported. */
  | { kind: "complete"; readings: ModuleUsageReading[]; rejected: RejectedUsage[]; requestCount: number }
  /** The read failed part-way or at once: nothing it returned can be trusted as complete. */
  | { kind: "failed"; error: string; requestCount: number };

/** One module organization of the module and the billing types it is expected to report. */
export interface ExpectedUsage {
  externalId: string;
  billingTypes: readonly string[];
}

export interface LedgerInput {
  externalId: string;
  billingType: string;
  reading: UsageReading;
  /** Why the reading is unknown, in words, for the sync run's report. */
  detail: string | null;
}

/**
 * Turns a read into one ledger reading per expected (module organization, billing type). A failed
 * read makes every expected reading unknown ("failed"), never 0 (rule 13); a complete read that
 * does not name an expected pair makes it unknown ("skipped"). Readings for an external id that
 * is no module organization of the module are rejected with that reason.
 */
export function ledgerInputs(
  read: UsageReadResult,
  expected: readonly ExpectedUsage[],
  readAt: Date,
): { inputs: LedgerInput[]; rejected: RejectedUsage[] } {
  const unknown = (reason: UnknownReason): UsageReading => ({
    quantity: null,
    reason,
    readAt,
  });
  if (read.kind === "failed") {
    const detail = `the usage read failed: ${read.error}`;
    return {
      inputs: expected.flatMap((e) =>
        e.billingTypes.map((billingType) => ({
          externalId: e.externalId,
          billingType,
          reading: unknown("failed"),
          detail,
        })),
      ),
      rejected: [],
    };
  }
  const byPair = new Map<string, ModuleUsageReading>();
  const expectedIds = new Set(expected.map((e) => e.externalId));
  const rejected = [...read.rejected];
  for (const reading of read.readings) {
    if (!expectedIds.has(reading.externalId)) {
      rejected.push({
        reason: `no module organization with external id ${JSON.stringify(reading.externalId)} in this module`,
        raw: reading,
      });
      continue;
    }
    byPair.set(`${reading.externalId}\u0000${reading.billingType}`, reading);
  }
  const inputs: LedgerInput[] = [];
  for (const e of expected) {
    for (const billingType of e.billingTypes) {
      const found = byPair.get(`${e.externalId}\u0000${billingType}`);
      if (found === undefined) {
        const detail = "the module did not report this billing type for this module organization";
        inputs.push({ externalId: e.externalId, billingType, reading: unknown("skipped"), detail });
      } else if (found.quantity === null) {
        inputs.push({
          externalId: e.externalId,
          billingType,
          reading: unknown(found.reason),
          detail: found.detail,
        });
      } else {
        inputs.push({
          externalId: e.externalId,
          billingType,
          reading: { quantity: found.quantity, readAt },
          detail: null,
        });
      }
    }
  }
  return { inputs, rejected };
}

/** The interval in force of one pair, as the nightly write compares it with a reading. */
export interface OpenPairState {
  billingType: string;
  /** null while unknown. */
  quantity: number | null;
  validFrom: Date;
}

/**
 * The cheap check of the nightly write: whether one module organization's readings leave every one
 * of its pairs as it is (what `ledgerInputs` then `decideLedgerWrite` would decide: "extend" for
 * each), without building either. True when the pairs the read names are exactly the pairs in
 * force, the required billing types among them, each with the same state (the same quantity, or
 * unknown and still unknown) and a reading no older than the interval. A failed read leaves them
 * as they are when every pair in force is already unknown. Anything else (a change, a new or
 * missing pair, a reading named twice, a late reading) answers null: the caller decides that module
 * organization pair by pair. Otherwise: its pairs, and how many of them are read as unknown.
 */
export function unchangedPairs(
  open: readonly OpenPairState[],
  readings: readonly ModuleUsageReading[] | undefined,
  requiredTypes: readonly string[],
  read: UsageReadResult["kind"],
  readAt: number,
): { pairs: number; unknown: number } | null {
  const count = open.length;
  for (const interval of open) if (interval.validFrom.getTime() > readAt) return null;
  for (const type of requiredTypes) {
    let found = false;
    for (const interval of open) if (interval.billingType === type) found = true;
    if (!found) return null;
  }
  if (read === "failed") {
    for (const interval of open) if (interval.quantity !== null) return null;
    return { pairs: count, unknown: count };
  }
  const named = readings ?? [];
  // Each reading must match a distinct pair in force: a mask of the pairs matched (at most 31).
  if (named.length !== count || count > 31) return null;
  let matched = 0;
  let unknown = 0;
  for (const reading of named) {
    let index = 0;
    while (index < count && open[index]!.billingType !== reading.billingType) index++;
    if (index === count || (matched & (1 << index)) !== 0) return null;
    matched |= 1 << index;
    if (open[index]!.quantity !== reading.quantity) return null;
    if (reading.quantity === null) unknown++;
  }
  return { pairs: count, unknown };
}
