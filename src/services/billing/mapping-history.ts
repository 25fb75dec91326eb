import type { StoredMappingInterval } from "../../db/mapping-interval.repository.ts";
import type { Repositories } from "../../db/repositories.ts";

/**
 * Dated mappings (rule 12) are kept by the mapping write path: each function here runs inside the
 * caller's transaction, beside the mapping or exclusion change it records, with the repositories
 * bound to it. A change closes the open interval at `at` and opens the next; time with neither a
 * mapping nor an exclusion has no interval (unmapped).
 */

/** A new state for a module organization: the fields given change, the others stay as they are. */
export interface MappingChange {
  moduleOrganizationId: string;
  organizationId?: string | null;
  isExcluded?: boolean;
}

/** What a set of changes writes, given the open intervals: drops (same instant), closes and opens. */
export function mappingHistoryWrites(
  open: ReadonlyMap<string, StoredMappingInterval>,
  changes: readonly MappingChange[],
  at: Date,
) {
  const writes = {
    drops: [] as string[],
    closes: [] as { moduleOrganizationId: string; at: Date }[],
    opens: [] as StoredMappingInterval[],
  };
  const latest = new Map<string, MappingChange>();
  for (const change of changes) {
    // Several changes of one module organization in one call: the last state wins, fields merged.
    latest.set(change.moduleOrganizationId, { ...latest.get(change.moduleOrganizationId), ...change });
  }
  for (const change of latest.values()) {
    const current = open.get(change.moduleOrganizationId) ?? null;
    const organizationId =
      change.organizationId !== undefined ? change.organizationId : (current?.organizationId ?? null);
    const isExcluded = change.isExcluded ?? current?.isExcluded ?? false;
    if ((current?.organizationId ?? null) === organizationId && (current?.isExcluded ?? false) === isExcluded)
      continue;
    // A change never reaches back before the interval in force: a clock read before a lock was
    // taken may lag the change that held the lock. At the same instant, the new state replaces it.
    let from = at;
    if (current) {
      if (current.validFrom.getTime() >= at.getTime()) {
        from = current.validFrom;
        writes.drops.push(change.moduleOrganizationId);
      } else {
        writes.closes.push({ moduleOrganizationId: change.moduleOrganizationId, at });
      }
    }
    if (organizationId !== null || isExcluded) {
      writes.opens.push({
        moduleOrganizationId: change.moduleOrganizationId,
        organizationId,
        isExcluded,
        validFrom: from,
        validTo: null,
      });
    }
  }
  return writes;
}

/** Records mapping or exclusion changes of many module organizations: one read and three writes per chunk. */
export async function recordMappingChanges(
  repos: Repositories,
  changes: readonly MappingChange[],
  at: Date,
): Promise<void> {
  for (let i = 0; i < changes.length; i += 5000) {
    const chunk = changes.slice(i, i + 5000);
    const ids = [...new Set(chunk.map((change) => change.moduleOrganizationId))];
    const open = new Map(
      (await repos.mappingIntervals.openIntervals(ids)).map((interval) => [
        interval.moduleOrganizationId,
        interval,
      ]),
    );
    await repos.mappingIntervals.applyChanges(mappingHistoryWrites(open, chunk, at));
  }
}

/** A module organization is now mapped to `organizationId` (null: unmapped) from `at` on. */
export function recordMappingChange(
  repos: Repositories,
  moduleOrganizationId: string,
  organizationId: string | null,
  at: Date,
): Promise<void> {
  return recordMappingChanges(repos, [{ moduleOrganizationId, organizationId }], at);
}

/** A module organization is now excluded from billing (or included again) from `at` on. */
export function recordExclusionChange(
  repos: Repositories,
  moduleOrganizationId: string,
  isExcluded: boolean,
  at: Date,
): Promise<void> {
  return recordMappingChanges(repos, [{ moduleOrganizationId, isExcluded }], at);
}
