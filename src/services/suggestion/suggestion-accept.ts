import type { AppContext } from "../../context.ts";
import type { Actor } from "../../domain/actor.ts";
import { invalidValue } from "../../domain/errors.ts";
import {
  checkMappableTarget,
  lockWritable,
  type MappableOrganization,
  requireChecked,
  type WritableModuleOrganization,
} from "../mapping-rules.ts";
import { applyMappingsInBulk } from "../mapping-writes.ts";
import { inUnitOfWork } from "../unit-of-work.ts";

export interface AcceptPair {
  moduleOrganizationId: string;
  organizationId: string;
}

export type AcceptInput = { items: AcceptPair[] } | { moduleKey: string; minScore: number; dryRun?: boolean };

const LOCK_CHUNK = 5000;

/**
 * Maps each pair as source "suggestion", all in one transaction and one audit step. Every module
 * organization must exist (404) in a ready module (409) and every target be mappable (422 naming it).
 * With `skipMapped` (accept-all), module organizations mapped meanwhile by someone else are left alone.
 *
 * No alias is recorded: the accepted mapping itself is confirmed evidence for its name, and unlike an
 * alias it goes away when the mapping is undone or moved.
 */
export async function acceptSuggestions(
  ctx: AppContext,
  actor: Actor,
  pairs: readonly AcceptPair[],
  options: { skipMapped?: boolean; title?: string } = {},
): Promise<{ applied: number; stepId: string | null }> {
  if (pairs.length === 0) return { applied: 0, stepId: null };
  return inUnitOfWork(ctx, actor, async ({ repos, step }) => {
    step.title = options.title ?? (pairs.length === 1 ? "Accept a suggestion" : "Accept suggestions");
    const field = (i: number, name: string) => (options.skipMapped ? name : `items.${i}.${name}`);
    const chosen = new Map<string, string>();
    pairs.forEach((pair, i) => {
      const other = chosen.get(pair.moduleOrganizationId);
      if (other !== undefined && other !== pair.organizationId)
        throw invalidValue(
          field(i, "moduleOrganizationId"),
          "a module organization can be accepted for one target only",
        );
      chosen.set(pair.moduleOrganizationId, pair.organizationId);
    });
    const ids = [...chosen.keys()];
    const indexOf = new Map(pairs.map((p, i) => [p.moduleOrganizationId, i] as const).reverse());
    const rows = new Map<string, WritableModuleOrganization>();
    for (let i = 0; i < ids.length; i += LOCK_CHUNK) {
      const writable = await lockWritable(repos, ids.slice(i, i + LOCK_CHUNK), {
        field: (id) => field(indexOf.get(id) ?? 0, "moduleOrganizationId"),
        readyField: "moduleKey",
      });
      for (const row of writable) rows.set(row.id, row);
    }
    // One read for every target, then the mappable rule per target (422 naming it, with the pair's field).
    const found = new Map(
      (await repos.organizations.findByIds([...new Set(pairs.map((p) => p.organizationId))])).map((o) => [
        o.id,
        o,
      ]),
    );
    const targets = new Map<string, MappableOrganization>();
    for (const [i, pair] of pairs.entries()) {
      if (targets.has(pair.organizationId)) continue;
      targets.set(
        pair.organizationId,
        requireChecked(
          checkMappableTarget(
            found.get(pair.organizationId),
            pair.organizationId,
            field(i, "organizationId"),
          ),
        ),
      );
    }
    const mapped = new Set<string>();
    if (options.skipMapped) {
      for (let i = 0; i < ids.length; i += LOCK_CHUNK)
        for (const m of await repos.mappings.findMappings(ids.slice(i, i + LOCK_CHUNK)))
          mapped.add(m.module_organization_id);
    }
    const items: { moduleOrganization: WritableModuleOrganization; target: MappableOrganization }[] = [];
    for (const [id, organizationId] of chosen) {
      const moduleOrganization = rows.get(id);
      const target = targets.get(organizationId);
      if (mapped.has(id) || !moduleOrganization || !target) continue;
      items.push({ moduleOrganization, target });
    }
    const { applied } = await applyMappingsInBulk(repos, step, items, "suggestion");
    return { applied, stepId: applied > 0 ? step.id : null };
  });
}
