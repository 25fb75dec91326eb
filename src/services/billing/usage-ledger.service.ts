import type { AppContext } from "../../context.ts";
import type { LedgerReadArrays } from "../../db/usage-ledger.repository.ts";
import { systemActor } from "../../domain/actor.ts";
import { readQuantity } from "../../domain/billing/usage-ledger.ts";
import {
  ledgerInputs,
  type ModuleUsageReading,
  type RejectedUsage,
  type UsageReadResult,
} from "../../domain/billing/usage-read.ts";
import { inUnitOfWork } from "../unit-of-work.ts";

/** A read that opened this many pairs (a first read, a new module) refreshes the ledger's statistics. */
const ANALYZE_AFTER_OPENED = 1_000;

export interface UsageReadCounts {
  /** Pairs whose quantity (or unknown state) was the same as stored: nothing written. */
  unchanged: number;
  /** Pairs whose quantity changed: the old interval closed, a new one opened. */
  changed: number;
  /** Pairs seen for the first time. */
  opened: number;
  /** Pairs read as unknown this time (failed, skipped or stale), whatever was stored. */
  unknown: number;
  /** Readings older than what is stored (a late retry): not written. */
  ignored: number;
  /** Readings the read could not use (unknown external id, bad row), with their reasons. */
  rejected: number;
}

export interface RecordedUsageRead {
  counts: UsageReadCounts;
  rejected: { reason: string; raw: unknown }[];
}

export interface RecordUsageOptions {
  /** When the reading was taken; the clock's now by default. */
  readAt?: Date;
  /**
   * Billing types every active module organization of the module must report (a Datto RMM site:
   * devices and each category). Besides these, a pair is expected when the ledger already has it
   * or the read names it, so a complete read that drops a pair makes it unknown ("skipped").
   */
  billingTypes?: readonly string[];
}

/**
 * Turns one usage read of a module into ledger writes (docs/BILLING.md): a row only where a quantity
 * changed, unknown as its own state and never 0 (rule 13). The whole read is one transaction: one
 * statement compares it with the intervals in force in the database and returns only the changes,
 * then at most three statements write them.
 */
export class UsageLedgerService {
  constructor(private readonly ctx: Pick<AppContext, "db" | "clock">) {}

  async recordUsageRead(
    moduleKey: string,
    syncRunId: string | null,
    read: UsageReadResult,
    options: RecordUsageOptions = {},
  ): Promise<RecordedUsageRead> {
    const readAt = options.readAt ?? this.ctx.clock.now();
    const fixedTypes = [...new Set(options.billingTypes ?? [])];
    const complete: { readings: ModuleUsageReading[]; rejected: RejectedUsage[] } =
      read.kind === "complete" ? read : { readings: [], rejected: [] };
    const arrays = readArrays(read.kind === "failed", complete.readings);
    return inUnitOfWork(this.ctx, systemActor("usage"), async ({ repos }) => {
      // The database compares the whole read with the intervals in force and returns the changes.
      const compared = await repos.usageLedger.compareRead(moduleKey, arrays, fixedTypes, readAt);
      await repos.usageLedger.preferIndexLookups();
      await repos.usageLedger.applyWrites(moduleKey, compared.writes, syncRunId);
      const counts: UsageReadCounts = { ...compared.counts, rejected: 0 };
      // The domain words the rejections: the read's own, and each reading for no module organization
      // (grouped by external id in the order the read first names it, as before).
      const strangers = new Map<string, ModuleUsageReading[]>();
      for (const reading of complete.readings) {
        if (!compared.strangers.has(reading.externalId)) continue;
        const list = strangers.get(reading.externalId);
        if (list) list.push(reading);
        else strangers.set(reading.externalId, [reading]);
      }
      const { rejected } = ledgerInputs(
        {
          kind: "complete",
          readings: [...strangers.values()].flat(),
          rejected: complete.rejected,
          requestCount: 0,
        },
        [],
        readAt,
      );
      counts.rejected = rejected.length;
      if (counts.opened >= ANALYZE_AFTER_OPENED) await repos.usageLedger.analyze();
      await repos.usageLedger.insertUsageRead({
        moduleKey,
        syncRunId,
        readAt,
        outcome: read.kind,
        error: read.kind === "failed" ? read.error : null,
        requestCount: read.requestCount,
        counts: { ...counts },
        rejected,
      });
      return { counts, rejected };
    });
  }
}

/**
 * The read as four parallel arrays for the database. Each known quantity is checked here as
 * `decideLedgerWrite` checks it (a whole number from 0 up): a connector rejects bad values before,
 * so one reaching this point is a bug, thrown as a RangeError before anything is written.
 */
function readArrays(failed: boolean, readings: readonly ModuleUsageReading[]): LedgerReadArrays {
  const arrays: LedgerReadArrays = { failed, externalIds: [], billingTypes: [], quantities: [], reasons: [] };
  // A pair read twice counts its last reading (as `ledgerInputs` does). Duplicates are rare, so a
  // cheap pass looks for one first (a bit per billing type and external id, no key built per reading).
  const typeBits = new Map<string, number>();
  const seen = new Map<string, number>();
  let duplicates = false;
  for (const reading of readings) {
    if (reading.quantity !== null) {
      const checked = readQuantity(reading.quantity);
      if (!checked.ok) throw new RangeError(checked.reason);
    }
    if (duplicates) continue;
    let bit = typeBits.get(reading.billingType);
    if (bit === undefined) {
      bit = 1 << typeBits.size;
      typeBits.set(reading.billingType, bit);
      if (typeBits.size > 30) duplicates = true; // too many types for the bits: take the slow way
    }
    const bits = seen.get(reading.externalId) ?? 0;
    if ((bits & bit) !== 0) duplicates = true;
    seen.set(reading.externalId, bits | bit);
  }
  if (!duplicates) {
    for (const reading of readings) {
      arrays.externalIds.push(reading.externalId);
      arrays.billingTypes.push(reading.billingType);
      arrays.quantities.push(reading.quantity);
      arrays.reasons.push(reading.quantity === null ? reading.reason : null);
    }
    return arrays;
  }
  const slots = new Map<string, number>();
  for (const reading of readings) {
    const key = `${reading.externalId}\u0000${reading.billingType}`;
    let slot = slots.get(key);
    if (slot === undefined) {
      slot = arrays.externalIds.length;
      slots.set(key, slot);
      arrays.externalIds.push(reading.externalId);
      arrays.billingTypes.push(reading.billingType);
    }
    arrays.quantities[slot] = reading.quantity;
    arrays.reasons[slot] = reading.quantity === null ? reading.reason : null;
  }
  return arrays;
}
