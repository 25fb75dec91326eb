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
