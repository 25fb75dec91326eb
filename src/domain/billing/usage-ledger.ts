/**
 * The usage ledger of one (module organization, billing type): intervals of constant quantity,
 * valid from / valid to. A nightly reading writes nothing while the quantity stays the same, so
 * 200,000 module organizations x 3 billing types x 30 nights write about as many rows as there
 * are changes, not 18 million. Unknown (a read that failed, was skipped or went stale) is a state
 * of its own with its reason, never the quantity 0 (product rule 13).
 */

export type UnknownReason = "failed" | "skipped" | "stale";

export interface UsageInterval {
  /** Whole units; null while the quantity is unknown. */
  quantity: number | null;
  /** Why the quantity is unknown; null when it is known. */
  unknownReason: UnknownReason | null;
  validFrom: Date;
  /** Exclusive end; null while the interval is still in force. */
  validTo: Date | null;
}

/** What a sync read for one (module organization, billing type). */
export type UsageReading =
  | { quantity: number; readAt: Date }
  | { quantity: null; reason: UnknownReason; readAt: Date };

export type LedgerDecision =
  /** Same state as the interval in force: nothing is written. */
  | { action: "extend" }
  /** No interval yet (or the last one was closed): write the first. */
  | { action: "open"; open: UsageInterval }
  /** The state changed: end the interval in force at `closeAt` and write the new one. */
  | { action: "close-and-open"; closeAt: Date; open: UsageInterval }
  /** Another reading at the very instant the interval in force began: it replaces that interval. */
  | { action: "replace"; open: UsageInterval }
  /** A reading older than what is stored (a late retry): it must not rewrite history. */
  | { action: "ignore"; reason: string };

/** Reads a quantity: a whole number from 0 up, as a number or a decimal string ("12"). */
export function readQuantity(value: unknown): { ok: true; value: number } | { ok: false; reason: string } {
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string" && value.trim() !== ""
        ? Number(value)
        : NaN;
  if (typeof value !== "number" && typeof value !== "string")
    return { ok: false, reason: "quantity missing" };
  if (!Number.isFinite(number))
    return { ok: false, reason: `quantity ${JSON.stringify(value)} is not a number` };
  if (!Number.isInteger(number)) return { ok: false, reason: `quantity ${number} is not a whole number` };
  if (number < 0) return { ok: false, reason: `quantity ${number} is negative` };
  if (!Number.isSafeInteger(number)) return { ok: false, reason: `quantity ${number} is too large` };
  return { ok: true, value: number };
}

function sameState(interval: UsageInterval, reading: UsageReading): boolean {
  // Unknown stays unknown whatever the reason: a failure after a skip is no new fact to store.
  return interval.quantity === reading.quantity;
}

function intervalOf(reading: UsageReading): UsageInterval {
  return reading.quantity === null
    ? { quantity: null, unknownReason: reading.reason, validFrom: reading.readAt, validTo: null }
    : { quantity: reading.quantity, unknownReason: null, validFrom: reading.readAt, validTo: null };
}

/**
 * Decides what a new reading writes, given the last stored interval of the same (module
 * organization, billing type), or null when there is none.
 */
export function decideLedgerWrite(last: UsageInterval | null, reading: UsageReading): LedgerDecision {
  if (reading.quantity !== null) {
    const checked = readQuantity(reading.quantity);
    if (!checked.ok) throw new RangeError(checked.reason);
  }
  const at = reading.readAt.getTime();
  if (last === null) return { action: "open", open: intervalOf(reading) };
  const from = last.validFrom.getTime();
  if (last.validTo !== null) {
    if (at < last.validTo.getTime()) {
      return { action: "ignore", reason: "the reading is older than the last stored interval's end" };
    }
    return { action: "open", open: intervalOf(reading) };
  }
  if (at < from) return { action: "ignore", reason: "the reading is older than the interval in force" };
  if (sameState(last, reading)) return { action: "extend" };
  if (at === from) return { action: "replace", open: intervalOf(reading) };
  return { action: "close-and-open", closeAt: reading.readAt, open: intervalOf(reading) };
}

/**
 * Applies readings in order to a list of intervals (oldest first) and returns the new list: the
 * in-memory model of what the ledger table holds, used by tests and benchmarks.
 */
export function applyReadings(
  intervals: readonly UsageInterval[],
  readings: readonly UsageReading[],
): UsageInterval[] {
  const result = intervals.map((interval) => ({ ...interval }));
  for (const reading of readings) {
    const decision = decideLedgerWrite(result.at(-1) ?? null, reading);
    switch (decision.action) {
      case "open":
        result.push(decision.open);
        break;
      case "close-and-open":
        result[result.length - 1] = { ...result.at(-1)!, validTo: decision.closeAt };
        result.push(decision.open);
        break;
      case "replace":
        result[result.length - 1] = decision.open;
        break;
      case "extend":
      case "ignore":
        break;
    }
  }
  return result;
}
