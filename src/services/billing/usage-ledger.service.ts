import type { AppContext } from "../../context.ts";
import type {
  LedgerInterval,
  LedgerWrites,
  PageModuleOrganization,
} from "../../db/usage-ledger.repository.ts";
import { systemActor } from "../../domain/actor.ts";
import { decideLedgerWrite } from "../../domain/billing/usage-ledger.ts";
import {
  type ExpectedUsage,
  type LedgerInput,
  ledgerInputs,
  type ModuleUsageReading,
  type RejectedUsage,
  type UsageReadResult,
  unchangedPairs,
} from "../../domain/billing/usage-read.ts";
import { inUnitOfWork } from "../unit-of-work.ts";

/** Module organizations per page: 5,000 x 3 billing types is 15,000 pairs, one read and three writes. */
export const LEDGER_CHUNK = 5000;

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
  /** Module organizations per page (LEDGER_CHUNK); tests make it small to cross pages. */
  pageSize?: number;
}

const pairKey = (moduleOrganizationId: string, billingType: string) =>
  `${moduleOrganizationId}\u0000${billingType}`;

/**
 * Turns one usage read of a module into ledger writes (docs/BILLING.md): a row only where a quantity
 * changed, unknown as its own state and never 0 (rule 13). The whole read is one transaction, and
 * each page of module organizations is one read of their open intervals and at most three writes.
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
    const fixedTypes = options.billingTypes ?? [];
    const pageSize = options.pageSize ?? LEDGER_CHUNK;
    return inUnitOfWork(this.ctx, systemActor("usage"), async ({ repos }) => {
      const counts: UsageReadCounts = {
        unchanged: 0,
        changed: 0,
        opened: 0,
        unknown: 0,
        ignored: 0,
        rejected: 0,
      };
      const complete: { readings: ModuleUsageReading[]; rejected: RejectedUsage[] } =
        read.kind === "complete" ? read : { readings: [], rejected: [] };
      // Readings by external id; what no page of module organizations claims is a stranger.
      const unclaimed = new Map<string, ModuleUsageReading[]>();
      for (const reading of complete.readings) {
        const list = unclaimed.get(reading.externalId);
        if (list) list.push(reading);
        else unclaimed.set(reading.externalId, [reading]);
      }
      await repos.usageLedger.preferIndexLookups();
      const at = readAt.getTime();
      const readPage = (after: string | null) => {
        const reading = repos.usageLedger.openIntervalsPage(moduleKey, after, pageSize);
        reading.catch(() => {}); // awaited below; a failure must not go unhandled meanwhile
        return reading;
      };
      let next = readPage(null);
      for (;;) {
        const page = await next;
        if (page.moduleOrganizations.length === 0) break;
        const full = page.moduleOrganizations.length === pageSize;
        // The next page (later module organizations: none of this page's writes touch them) is asked
        // for before this one is compared, so PostgreSQL reads it while Node works.
        if (full) next = readPage(page.moduleOrganizations.at(-1)!.externalId);
        // Most pairs are read as they are: one cheap comparison per module organization settles those
        // (nothing to write); only the others go through ledgerInputs and decideLedgerWrite.
        const moving: PageModuleOrganization[] = [];
        for (const mo of page.moduleOrganizations) {
          const same = unchangedPairs(mo.open, unclaimed.get(mo.externalId), fixedTypes, read.kind, at);
          if (same === null) {
            moving.push(mo);
            continue;
          }
          counts.unchanged += same.pairs;
          counts.unknown += same.unknown;
          unclaimed.delete(mo.externalId);
        }
        if (moving.length > 0) {
          const ids = new Map(moving.map((mo) => [mo.externalId, mo.id]));
          const open = new Map<string, LedgerInterval>();
          for (const mo of moving)
            for (const interval of mo.open) open.set(pairKey(mo.id, interval.billingType), interval);
          const { expected, readings } = claimPage(moving, unclaimed, fixedTypes);
          const pageRead: UsageReadResult =
            read.kind === "failed" ? read : { kind: "complete", readings, rejected: [], requestCount: 0 };
          const inputs = ledgerInputs(pageRead, expected, readAt).inputs;
          await repos.usageLedger.applyWrites(
            ledgerWrites(inputs, (externalId) => ids.get(externalId)!, open, counts),
            syncRunId,
          );
        }
        if (!full) break;
      }
      // The domain words the rejections: the read's own, and each reading for no module organization.
      const { rejected } = ledgerInputs(
        {
          kind: "complete",
          readings: [...unclaimed.values()].flat(),
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
 * The pairs a page expects (its ledger's, the caller's fixed billing types, and what the read names)
 * and the readings that belong to it, taken out of `unclaimed`.
 */
function claimPage(
  moduleOrganizations: readonly PageModuleOrganization[],
  unclaimed: Map<string, ModuleUsageReading[]>,
  fixedTypes: readonly string[],
): { expected: ExpectedUsage[]; readings: ModuleUsageReading[] } {
  const readings: ModuleUsageReading[] = [];
  const expected = moduleOrganizations.map(({ externalId, open }) => {
    const types = new Set(fixedTypes);
    for (const interval of open) types.add(interval.billingType);
    for (const reading of unclaimed.get(externalId) ?? []) {
      types.add(reading.billingType);
      readings.push(reading);
    }
    unclaimed.delete(externalId);
    return { externalId, billingTypes: [...types] };
  });
  return { expected, readings };
}

/** The domain's decision for each input of a chunk, gathered into the chunk's three writes. */
function ledgerWrites(
  inputs: readonly LedgerInput[],
  idOf: (externalId: string) => string,
  open: ReadonlyMap<string, LedgerInterval>,
  counts: UsageReadCounts,
): LedgerWrites {
  const writes: LedgerWrites = { closes: [], replaces: [], opens: [] };
  for (const input of inputs) {
    const pair = { moduleOrganizationId: idOf(input.externalId), billingType: input.billingType };
    if (input.reading.quantity === null) counts.unknown++;
    const decision = decideLedgerWrite(
      open.get(pairKey(pair.moduleOrganizationId, pair.billingType)) ?? null,
      input.reading,
    );
    switch (decision.action) {
      case "extend":
        counts.unchanged++;
        break;
      case "ignore":
        counts.ignored++;
        break;
      case "open":
        counts.opened++;
        writes.opens.push({ ...pair, ...decision.open });
        break;
      case "close-and-open":
        counts.changed++;
        writes.closes.push({ ...pair, at: decision.closeAt });
        writes.opens.push({ ...pair, ...decision.open });
        break;
      case "replace":
        counts.changed++;
        writes.replaces.push({ ...pair, ...decision.open });
        break;
    }
  }
  return writes;
}
